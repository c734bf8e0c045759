package dev.jquant.compressor.quantize;

import dev.jquant.compressor.Progress;
import dev.jquant.compressor.calibration.SampleSource;
import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.gemm.GemmKernels;
import dev.jquant.kernels.gemm.GemmProblem;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code XᵀX} of the activations that meet each MatMul weight, over calibration samples: the second-order
 * statistics error-correcting quantization ({@link Gptq}) needs. The float model runs with those
 * activations as extra outputs; only the {@code K×K} sums are kept, so memory does not grow with the
 * number of samples.
 */
public final class InputCorrelations {

    private final Map<String, MemorySegment> sums;
    private final Map<String, Long> rows;

    private InputCorrelations(Map<String, MemorySegment> sums, Map<String, Long> rows) {
        this.sums = sums;
        this.rows = rows;
    }

    /**
     * Runs {@code graph} on every sample and sums {@code XᵀX} of the left input of every MatMul whose right
     * input is a 2-D initializer.
     */
    public static InputCorrelations collect(Graph graph, SampleSource samples, Progress progress)
            throws IOException, UnsupportedOperatorException {
        Map<String, Integer> widths = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            Tensor w = n.opType().equals("MatMul") && n.domain().isEmpty() ? graph.initializers().get(n.input(1)) : null;
            if (w != null && w.rank() == 2 && !graph.initializers().containsKey(n.input(0))) {
                widths.put(n.input(0), Math.toIntExact(w.dim(0)));
            }
        }
        Graph probe = graph.withExtraOutputs(widths.keySet());
        Map<String, MemorySegment> sums = new LinkedHashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        Arena arena = Arena.ofAuto();
        widths.forEach((name, k) -> {
            sums.put(name, arena.allocate((long) k * k * Float.BYTES, 64));
            rows.put(name, 0L);
        });
        progress.begin("collecting activation statistics", samples.size(), "samples");
        try (Model model = Model.of(probe); Session session = model.newSession(SessionOptions.defaults())) {
            for (int s = 0; s < samples.size(); s++) {
                try (Result r = session.run(samples.load(s))) {
                    for (Map.Entry<String, Integer> e : widths.entrySet()) {
                        Tensor x = r.get(e.getKey());
                        int k = e.getValue();
                        int count = Math.toIntExact(x.elementCount() / k);
                        accumulate(sums.get(e.getKey()), x.data(), count, k);
                        rows.merge(e.getKey(), (long) count, Long::sum);
                    }
                }
                progress.advance(1);
            }
        } finally {
            progress.end();
        }
        return new InputCorrelations(sums, rows);
    }

    /** {@code sum += XᵀX} for {@code X} of {@code count} rows of {@code k} floats. */
    private static void accumulate(MemorySegment sum, MemorySegment x, int count, int k) {
        if (count > 0) {
            GemmKernels.get().multiply(GemmProblem.builder(k, k, count).transposeA(true).scale(1f, 1f).build(),
                    x, x, sum, Parallel.SERIAL);
        }
    }

    /** {@code XᵀX} (row-major {@code K×K}) of the activations multiplied by weights read from {@code value}, or null. */
    public float[] of(String value) {
        MemorySegment sum = sums.get(value);
        return sum == null ? null : sum.toArray(Tensor.F32);
    }

    /** Rows (tokens) summed for {@code value}. */
    public long rows(String value) {
        return rows.getOrDefault(value, 0L);
    }
}
