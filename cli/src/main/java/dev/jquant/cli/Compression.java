package dev.jquant.cli;

import dev.jquant.compressor.format.JqmWriter;
import dev.jquant.compressor.onnx.OnnxImporter;
import dev.jquant.compressor.passes.Passes;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** ONNX import, the standard graph passes, {@code .jqm} writing: what {@code compress} and {@code demo} share. */
final class Compression {

    /** Sizes, node counts and the time each step took. */
    record Summary(long onnxBytes, int opset, int importedNodes, long jqmBytes, int nodes, int tensors,
            long importNanos, long passNanos, long writeNanos) {

        long totalNanos() {
            return importNanos + passNanos + writeNanos;
        }
    }

    private Compression() {
    }

    /** Compresses {@code onnx} into {@code jqm} at fp32, reporting each step on {@code progress}. */
    static Summary fp32(Path onnx, Path jqm, PrintWriter progress) throws IOException, UnsupportedOperatorException {
        if (Files.exists(jqm) && Files.isSameFile(onnx, jqm)) {
            throw new IllegalArgumentException("the output " + jqm + " is the input model; choose another file with -o");
        }
        long onnxBytes = Files.size(onnx);
        progress.printf("importing %s (%s)...%n", onnx, Units.bytes(onnxBytes));
        progress.flush();
        long t0 = System.nanoTime();
        Graph imported = OnnxImporter.importModel(onnx);
        long t1 = System.nanoTime();
        progress.printf("  opset %d, %d nodes, %d tensors (%s); running graph passes...%n", imported.opset(),
                imported.nodes().size(), imported.initializers().size(), Units.millis(t1 - t0));
        progress.flush();
        Graph graph = Passes.standard().apply(imported);
        long t2 = System.nanoTime();
        progress.printf("  %d nodes after passes (%s); writing %s...%n", graph.nodes().size(), Units.millis(t2 - t1), jqm);
        progress.flush();
        JqmWriter.write(graph, jqm);
        long t3 = System.nanoTime();
        progress.printf("  written (%s)%n", Units.millis(t3 - t2));
        progress.flush();
        return new Summary(onnxBytes, imported.opset(), imported.nodes().size(), Files.size(jqm), graph.nodes().size(),
                graph.initializers().size(), t1 - t0, t2 - t1, t3 - t2);
    }
}
