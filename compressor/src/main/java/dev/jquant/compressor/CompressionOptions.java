package dev.jquant.compressor;

import dev.jquant.compressor.calibration.ActivationScheme;
import dev.jquant.compressor.calibration.CalibrationMethod;
import dev.jquant.compressor.calibration.CalibrationOptions;
import dev.jquant.compressor.quantize.Precision;
import dev.jquant.compressor.quantize.WeightQuantization;

/**
 * What {@link Compressor#compress} does to a float graph.
 *
 * @param weights how weights are stored
 * @param activations dynamic or static (calibrated) quantization of the quantized layers' inputs
 * @param calibration how static ranges are chosen (method, percentile, histogram bins)
 * @param accuracySamples how many samples the per-layer accuracy comparison runs (0: none)
 */
public record CompressionOptions(WeightQuantization weights, ActivationMode activations,
        CalibrationOptions calibration, int accuracySamples) {

    public CompressionOptions {
        if (accuracySamples < 0) {
            throw new IllegalArgumentException("accuracy samples must be >= 0, was " + accuracySamples);
        }
    }

    /** {@code precision} weights, dynamic activations, MSE-calibrated ranges when static, 8 accuracy samples. */
    public static CompressionOptions of(Precision precision) {
        return new CompressionOptions(WeightQuantization.of(precision), ActivationMode.DYNAMIC,
                CalibrationOptions.builder().method(CalibrationMethod.MSE).scheme(ActivationScheme.UINT8).build(), 8);
    }

    public CompressionOptions withWeights(WeightQuantization w) {
        return new CompressionOptions(w, activations, calibration, accuracySamples);
    }

    public CompressionOptions withActivations(ActivationMode mode) {
        return new CompressionOptions(weights, mode, calibration, accuracySamples);
    }

    public CompressionOptions withCalibration(CalibrationOptions options) {
        return new CompressionOptions(weights, activations, options, accuracySamples);
    }

    public CompressionOptions withAccuracySamples(int samples) {
        return new CompressionOptions(weights, activations, calibration, samples);
    }
}
