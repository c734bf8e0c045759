package dev.jquant.compressor.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * int8 weight codes span ±127, or ±64 with reduced range where a product reads them (what oneDNN needs on
 * x86 without VNNI); an embedding table keeps the full range, since a Gather only decodes its rows. Reduced
 * range halves the step, so it costs about 6 dB of signal-to-noise.
 */
class Int8RangeTest {

    private static final int K = 64;
    private static final int N = 32;

    private static Graph graph() {
        Random random = new Random(7);
        float[] w = new float[K * N];
        float[] table = new float[K * N];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextGaussian();
            table[i] = (float) random.nextGaussian();
        }
        return new Graph("ranges", 13,
                List.of(new ValueInfo("x", DType.FLOAT32, null), new ValueInfo("ids", DType.INT64, null)),
                List.of(new ValueInfo("y", DType.FLOAT32, null), new ValueInfo("e", DType.FLOAT32, null)),
                List.of(new Node("mm", "MatMul", Node.names("x", "w"), Node.names("y"), Map.of()),
                        new Node("embed", "Gather", Node.names("table", "ids"), Node.names("e"), Map.of())),
                Map.of("w", Tensor.ofFloats(w, K, N), "table", Tensor.ofFloats(table, K, N)), Map.of());
    }

    private static int largestCode(QuantizedGraph q, String name) {
        Tensor codes = q.graph().initializers().get(name);
        assertEquals(DType.INT8, codes.dtype(), name);
        int largest = 0;
        for (long i = 0; i < codes.elementCount(); i++) {
            largest = Math.max(largest, Math.abs(codes.data().get(ValueLayout.JAVA_BYTE, i)));
        }
        return largest;
    }

    /** Signal-to-noise of the decoded weight {@code name} against the original, in dB. */
    private static double sqnr(Graph original, QuantizedGraph q, String name) {
        float[] w = original.initializers().get(name).toFloatArray();
        Tensor codes = q.graph().initializers().get(name);
        float[] scales = q.graph().initializers().get(q.descriptors().get(name).scale()).toFloatArray();
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < w.length; i++) {
            float decoded = codes.data().get(ValueLayout.JAVA_BYTE, i) * scales[i % N];
            signal += (double) w[i] * w[i];
            noise += (double) (w[i] - decoded) * (w[i] - decoded);
        }
        return 10 * Math.log10(signal / noise);
    }

    @Test
    void reducedRangeKeepsProductWeightsWithin64() {
        Graph g = graph();
        QuantizedGraph full = WeightQuantizer.quantize(g, WeightQuantization.of(Precision.INT8), null);
        QuantizedGraph reduced = WeightQuantizer.quantize(g,
                WeightQuantization.of(Precision.INT8).withReducedRange(true), null);

        assertEquals(127, largestCode(full, "w"));
        assertEquals(WeightQuantization.REDUCED_INT8_LIMIT, largestCode(reduced, "w"));
        assertEquals(127, largestCode(reduced, "table"), "a Gather's table keeps the full range");

        double fullSqnr = sqnr(g, full, "w");
        double reducedSqnr = sqnr(g, reduced, "w");
        assertTrue(fullSqnr - reducedSqnr > 4 && fullSqnr - reducedSqnr < 8,
                "full " + fullSqnr + " dB, reduced " + reducedSqnr + " dB: about 6 dB apart");
    }
}
