package dev.jquant.compressor.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.conformance.TensorComparison;
import dev.jquant.runtime.Backends;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.spi.BackendProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * all-MiniLM-L6-v2 compressed to an fp32 {@code .jqm}, run on one backend and compared with ONNX Runtime
 * Java on the source ONNX model: {@code last_hidden_state} within 1e-4 on inputs of many batch sizes and
 * sequence lengths. Every backend extends this class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractMiniLmTest {
    static final double MAX_ABS_DIFF = 1e-4;

    private Path dir;
    private Path onnx;
    private Model model;
    private OrtSession reference;

    protected abstract String backend();

    @BeforeAll
    void compressAndOpen() throws Exception {
        BackendProbe probe = Backends.probe().stream().filter(p -> p.name().equals(backend())).findFirst()
                .orElse(BackendProbe.unavailable(backend(), "no provider named '" + backend() + "' on the class path"));
        if (!probe.available()) {
            System.out.println("SKIPPED MiniLM on " + backend() + ": " + probe.reason());
        }
        Assumptions.assumeTrue(probe.available(), () -> backend() + " unavailable: " + probe.reason());
        dir = Files.createTempDirectory("jquant-minilm");
        onnx = MiniLmFixture.extract(MiniLmFixture.MODEL_RESOURCE, dir);
        Path jqm = dir.resolve("minilm-fp32.jqm");
        Compressor.write(Compressor.importAndOptimize(onnx), jqm);
        model = Model.open(jqm);
        reference = OrtEnvironment.getEnvironment().createSession(onnx.toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    void close() throws Exception {
        if (reference != null) {
            reference.close();
        }
        if (model != null) {
            model.close();
        }
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        String lastHidden = model.outputs().get(0).name();
        Random random = new Random(7);
        int[][] shapes = {{1, 1}, {1, 2}, {1, 7}, {1, 16}, {1, 33}, {1, 64}, {1, 128}, {1, 256},
                {2, 5}, {2, 16}, {2, 31}, {3, 12}, {3, 64}, {4, 8}, {4, 128}, {5, 3}, {6, 20}, {8, 16},
                {8, 48}, {1, 9}, {2, 100}, {16, 4}};
        double worst = 0;
        try (Session session = model.newSession(SessionOptions.builder().backend(backend()).threads(2).build())) {
            for (int[] shape : shapes) {
                Map<String, Tensor> inputs = MiniLmFixture.randomBatch(random, shape[0], shape[1]);
                Tensor expected = MiniLmFixture.runReference(reference, inputs, lastHidden);
                try (Result result = session.run(inputs)) {
                    double diff = TensorComparison.maxAbsDiff(expected, result.get(lastHidden));
                    worst = Math.max(worst, diff);
                    assertTrue(diff <= MAX_ABS_DIFF, "batch " + shape[0] + " x seq " + shape[1]
                            + ": max abs diff " + diff + " > " + MAX_ABS_DIFF);
                }
            }
        }
        System.out.printf("MiniLM fp32 on %s: %d input shapes, worst max abs diff vs ONNX Runtime %.2e%n",
                backend(), shapes.length, worst);
    }
}
