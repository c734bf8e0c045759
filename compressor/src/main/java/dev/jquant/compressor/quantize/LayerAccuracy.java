package dev.jquant.compressor.quantize;

import dev.jquant.compressor.Progress;
import dev.jquant.compressor.calibration.SampleSource;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How far each MatMul, Gemm and Conv output of the compressed model is from the float model's, on sample
 * inputs: both run side by side with those outputs exposed, so the numbers include everything upstream
 * (the layer's own error plus what earlier layers passed on).
 *
 * @param node the node's name
 * @param output its output value
 * @param sqnrDb signal-to-noise ratio of the compressed output against the float one, in dB
 * @param cosine cosine similarity of the two outputs
 */
public record LayerAccuracy(String node, String output, double sqnrDb, double cosine) {

    /** Compares on the first {@code maxSamples} samples. */
    public static List<LayerAccuracy> measure(Graph floatGraph, QuantizedGraph compressed, SampleSource samples,
            int maxSamples, Progress progress) throws IOException, UnsupportedOperatorException {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (Node n : floatGraph.nodes()) {
            if (n.domain().isEmpty() && (n.opType().equals("MatMul") || n.opType().equals("Gemm")
                    || n.opType().equals("Conv"))) {
                outputs.put(n.output(0), n.name());
            }
        }
        double[][] sums = new double[outputs.size()][4]; // signal², noise², dot, compressed²
        int count = Math.min(maxSamples, samples.size());
        progress.begin("measuring layer accuracy", count, "samples");
        try (Model reference = Model.of(floatGraph.withExtraOutputs(outputs.keySet()));
                Model candidate = Model.of(compressed.graph().withExtraOutputs(outputs.keySet()),
                        compressed.descriptors());
                Session r = reference.newSession(SessionOptions.defaults());
                Session c = candidate.newSession(SessionOptions.defaults())) {
            for (int s = 0; s < count; s++) {
                Map<String, Tensor> inputs = samples.load(s);
                try (Result expected = r.run(inputs); Result actual = c.run(inputs)) {
                    int i = 0;
                    for (String name : outputs.keySet()) {
                        accumulate(sums[i++], expected.get(name), actual.get(name));
                    }
                }
                progress.advance(1);
            }
        } finally {
            progress.end();
        }
        List<LayerAccuracy> out = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, String> e : outputs.entrySet()) {
            double[] t = sums[i++];
            double sqnr = t[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(t[0] / t[1]);
            double cosine = t[0] == 0 || t[3] == 0 ? 1 : t[2] / Math.sqrt(t[0] * t[3]);
            out.add(new LayerAccuracy(e.getValue(), e.getKey(), sqnr, cosine));
        }
        return out;
    }

    private static void accumulate(double[] sums, Tensor expected, Tensor actual) {
        long n = expected.elementCount();
        for (long j = 0; j < n; j++) {
            double x = expected.getFloat(j);
            double y = actual.getFloat(j);
            sums[0] += x * x;
            sums[1] += (x - y) * (x - y);
            sums[2] += x * y;
            sums[3] += y * y;
        }
    }
}
