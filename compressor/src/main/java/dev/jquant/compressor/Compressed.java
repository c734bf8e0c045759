package dev.jquant.compressor;

import dev.jquant.compressor.calibration.CalibrationResult;
import dev.jquant.compressor.quantize.LayerAccuracy;
import dev.jquant.compressor.quantize.QuantizedGraph;
import java.util.List;

/**
 * A compressed model and what compressing it did.
 *
 * @param model the graph and its quantization descriptors, ready to write
 * @param calibration the static activation ranges, or null when activations are dynamic
 * @param accuracy per-layer output accuracy against the float model; empty without sample inputs
 * @param errorCorrected whether 4-bit weights were rounded with error feedback (calibration samples given)
 */
public record Compressed(QuantizedGraph model, CalibrationResult calibration, List<LayerAccuracy> accuracy,
        boolean errorCorrected) {

    public Compressed {
        accuracy = List.copyOf(accuracy);
    }
}
