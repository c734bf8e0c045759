package dev.jquant.compressor;

import dev.jquant.compressor.format.JqmWriter;
import dev.jquant.compressor.onnx.OnnxImporter;
import dev.jquant.compressor.passes.MatMulEpilogueFusion;
import dev.jquant.compressor.passes.Passes;
import dev.jquant.compressor.calibration.CalibrationResult;
import dev.jquant.compressor.calibration.Calibrator;
import dev.jquant.compressor.calibration.SampleSource;
import dev.jquant.compressor.quantize.InputCorrelations;
import dev.jquant.compressor.quantize.LayerAccuracy;
import dev.jquant.compressor.quantize.Precision;
import dev.jquant.compressor.quantize.QuantizedGraph;
import dev.jquant.compressor.quantize.WeightQuantization;
import dev.jquant.compressor.quantize.StaticActivations;
import dev.jquant.compressor.quantize.WeightQuantizer;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The compressor's entry points: ONNX in, optimized graph, {@code .jqm} out. */
public final class Compressor {
    private Compressor() {
    }

    /** Imports an ONNX model and applies the standard graph passes (folding, fusion, clean-up). */
    public static Graph importAndOptimize(Path onnxFile) throws IOException, UnsupportedOperatorException {
        return Passes.standard().apply(OnnxImporter.importModel(onnxFile));
    }

    /** Writes {@code graph} as a {@code .jqm} file (atomically: a temporary file is moved into place). */
    public static void write(Graph graph, Path jqmFile) throws IOException {
        JqmWriter.write(graph, jqmFile);
    }

    /** Stores the weights of an optimized float graph as {@code options} asks (int8, int4, fp16, …). */
    public static QuantizedGraph quantizeWeights(Graph graph, WeightQuantization options) {
        return WeightQuantizer.quantize(graph, options);
    }

    /** As {@link #quantizeWeights(Graph, WeightQuantization)}, with 4-bit error correction from calibration statistics. */
    public static QuantizedGraph quantizeWeights(Graph graph, WeightQuantization options, InputCorrelations correlations) {
        return WeightQuantizer.quantize(graph, options, correlations);
    }

    /**
     * Compresses an optimized float graph as {@code options} say. {@code samples} (may be null) feed the
     * steps that learn from data: 4-bit error correction, static activation ranges, per-layer accuracy.
     *
     * @throws IllegalArgumentException when static activations are asked for without samples
     * @throws IOException when a sample cannot be read
     */
    public static Compressed compress(Graph graph, CompressionOptions options, SampleSource samples, Progress progress)
            throws IOException, UnsupportedOperatorException {
        boolean isStatic = options.activations() == ActivationMode.STATIC;
        if (isStatic && samples == null) {
            throw new IllegalArgumentException("static activations need calibration samples (a directory of .npy "
                    + "files, or sentences and the model's tokenizer)");
        }
        WeightQuantization weights = options.weights();
        InputCorrelations correlations = samples != null && weights.precision() == Precision.INT4
                ? InputCorrelations.collect(graph, samples, progress) : null;
        QuantizedGraph quantized = WeightQuantizer.quantize(graph, weights, correlations);
        CalibrationResult calibration = null;
        if (isStatic) {
            calibration = Calibrator.calibrate(graph, Calibrator.activationInputs(graph), samples,
                    options.calibration(), progress);
            quantized = StaticActivations.apply(quantized, calibration);
        }
        List<LayerAccuracy> accuracy = samples == null || options.accuracySamples() == 0 || quantized.layers().isEmpty()
                ? List.of() : LayerAccuracy.measure(graph, quantized, samples, options.accuracySamples(), progress);
        // Last, after the steps that look at MatMul outputs: the quantized kernels take the bias and activation.
        quantized = new QuantizedGraph(new MatMulEpilogueFusion(quantized.descriptors()).apply(quantized.graph()),
                quantized.descriptors(), quantized.layers());
        return new Compressed(quantized, calibration, accuracy, correlations != null);
    }

    /** Writes a graph with quantized weights as a {@code .jqm} file, descriptors included. */
    public static void write(QuantizedGraph quantized, Path jqmFile) throws IOException {
        JqmWriter.Options options = JqmWriter.Options.defaults();
        for (var e : quantized.descriptors().entrySet()) {
            options = options.withQuantization(e.getKey(), e.getValue());
        }
        JqmWriter.write(quantized.graph(), jqmFile, options);
    }
}
