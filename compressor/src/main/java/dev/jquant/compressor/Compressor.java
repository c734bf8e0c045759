package dev.jquant.compressor;

import dev.jquant.compressor.format.JqmWriter;
import dev.jquant.compressor.onnx.OnnxImporter;
import dev.jquant.compressor.passes.Passes;
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
}
