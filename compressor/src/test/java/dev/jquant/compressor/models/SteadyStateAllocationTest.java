package dev.jquant.compressor.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.format.AllocationMeter;
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
 * Once a plan exists and the JIT has compiled the hot paths, a run of the real MiniLM into caller-owned
 * outputs allocates nothing on the Java heap (of the calling thread, which is where kernels' task objects
 * and Vector API temporaries would be allocated).
 */
class SteadyStateAllocationTest {

    @TempDir
    Path dir;

    @Test
    void runIntoCallerOwnedOutputsAllocatesNothing() throws Exception {
        Path jqm = dir.resolve("minilm.jqm");
        Compressor.write(Compressor.importAndOptimize(MiniLmFixture.extract(MiniLmFixture.MODEL_RESOURCE, dir)), jqm);
        AllocationMeter meter = new AllocationMeter();
        for (int threads : new int[] {1, 2}) {
            try (Model model = Model.open(jqm);
                    Session session = model.newSession(SessionOptions.builder().threads(threads).build())) {
                Map<String, Tensor> inputs = MiniLmFixture.randomBatch(new Random(1), 1, 16);
                Map<String, Tensor> outputs = new LinkedHashMap<>();
                session.outputShapes(inputs).forEach((name, t) -> outputs.put(name, Tensor.allocate(t.dtype(), t.shape())));
                int warmup = 300;
                for (int i = 0; i < warmup; i++) {
                    session.run(inputs, outputs);
                }
                int runs = 50;
                long before = meter.allocatedBytes();
                for (int i = 0; i < runs; i++) {
                    session.run(inputs, outputs);
                }
                long perRun = (meter.allocatedBytes() - before) / runs;
                System.out.printf("MiniLM steady state, %d thread(s): %d bytes allocated per run%n", threads, perRun);
                assertTrue(perRun <= 64, threads + " thread(s): " + perRun + " bytes allocated per run");
            }
        }
    }
}
