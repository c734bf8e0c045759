package dev.jquant.compressor;

import dev.jquant.compressor.format.JqmWriter;
import dev.jquant.compressor.onnx.OnnxImporter;
import dev.jquant.compressor.passes.Passes;
import dev.jquant.compressor.quantize.InputCorrelations;
import dev.jquant.compressor.quantize.QuantizedGraph;
import dev.jquant.compressor.quantize.WeightQuantization;
import dev.jquant.compressor.quantize.WeightQuantizer;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.nio.file.Path;

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

    /** Writes a graph with quantized weights as a {@code .jqm} file, descriptors included. */
    public static void write(QuantizedGraph quantized, Path jqmFile) throws IOException {
        JqmWriter.Options options = JqmWriter.Options.defaults();
        for (var e : quantized.descriptors().entrySet()) {
            options = options.withQuantization(e.getKey(), e.getValue());
        }
        JqmWriter.write(quantized.graph(), jqmFile, options);
    }
}
