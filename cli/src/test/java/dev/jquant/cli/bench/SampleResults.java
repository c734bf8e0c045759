package dev.jquant.cli.bench;

import java.util.ArrayList;
import java.util.List;

/** A hand-made result of two configurations, a backend and the peer, for the report tests. */
final class SampleResults {

    private SampleResults() {
    }

    static final Machine MACHINE = new Machine("Test CPU <8 cores> & more", 8, "25 (test VM)", "Linux test", "0.0.1",
            "1.20.0", "Vector API kernels");

    /** batch 1 and 8 at seq 16, 2 threads; jquant is 1.5 ms and 12 ms, the peer 1 ms and 16 ms (noisy). */
    static BenchResult result(String model) {
        List<ConfigurationResult> configs = new ArrayList<>();
        configs.add(configuration(new Configuration(1, 16, 2), new long[] {1_400_000, 1_500_000, 1_600_000},
                new long[] {1_000_000, 1_000_000, 1_000_000}));
        configs.add(configuration(new Configuration(8, 16, 2), new long[] {12_000_000, 12_000_000, 12_000_000},
                new long[] {10_000_000, 16_000_000, 40_000_000}));
        List<LoadToFirstResult> loads = List.of(
                new LoadToFirstResult("java", "jquant java", new Configuration(1, 16, 2), 50_000_000, 200_000_000, true),
                new LoadToFirstResult("onnxruntime", "ONNX Runtime 1.20.0", new Configuration(1, 16, 2), 300_000_000,
                        10_000_000, true));
        return new BenchResult(model, "model.onnx", MACHINE, "3", "1", loads, configs);
    }

    private static ConfigurationResult configuration(Configuration c, long[] jquant, long[] peer) {
        return new ConfigurationResult(c, List.of(
                new EngineSamples("java", "jquant java", false, jquant, LatencyStats.of(jquant)),
                new EngineSamples("onnxruntime", "ONNX Runtime 1.20.0", true, peer, LatencyStats.of(peer))));
    }
}
