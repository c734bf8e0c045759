package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.format.AllocationMeter;
import dev.jquant.compressor.models.MiniLmFixture;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Once the plan exists, a run of MiniLM on oneDNN allocates no more on the Java heap than the same run on
 * the Java backend: the oneDNN operators re-aim their memory objects at the arena and execute, with no
 * pointer, argument or string objects per run. (Measured against Java rather than zero, so the runtime's
 * own steady state is the Java suite's concern.)
 */
class OneDnnSteadyStateAllocationTest {

    @TempDir
    Path dir;

    @Test
    void allocatesNoMorePerRunThanJava() throws Exception {
        OneDnnTesting.assumeAvailable();
        Path jqm = dir.resolve("minilm.jqm");
        Compressor.write(Compressor.importAndOptimize(MiniLmFixture.extract(MiniLmFixture.MODEL_RESOURCE, dir)), jqm);
        try (Model model = Model.open(jqm)) {
            for (int threads : new int[] {1, 2}) {
                long java = bytesPerRun(model, "java", threads);
                long oneDnn = bytesPerRun(model, OneDnnBackendProvider.NAME, threads);
                System.out.printf("MiniLM steady state, %d thread(s): %d bytes allocated per run on oneDNN, %d on Java%n",
                        threads, oneDnn, java);
                assertTrue(oneDnn <= java + 64, threads + " thread(s): " + oneDnn + " bytes per run on oneDNN, " + java
                        + " on Java");
            }
        }
    }

    private static long bytesPerRun(Model model, String backend, int threads) {
        AllocationMeter meter = new AllocationMeter();
        try (Session session = model.newSession(SessionOptions.builder().backend(backend).threads(threads).build())) {
            Map<String, Tensor> inputs = MiniLmFixture.randomBatch(new Random(1), 1, 16);
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            session.outputShapes(inputs).forEach((name, t) -> outputs.put(name, Tensor.allocate(t.dtype(), t.shape())));
            for (int i = 0; i < 300; i++) {
                session.run(inputs, outputs);
            }
            int runs = 50;
            long before = meter.allocatedBytes();
            for (int i = 0; i < runs; i++) {
                session.run(inputs, outputs);
            }
            return (meter.allocatedBytes() - before) / runs;
        }
    }
}
