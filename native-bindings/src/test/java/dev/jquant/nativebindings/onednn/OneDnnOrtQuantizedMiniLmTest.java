package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.models.AbstractOrtQuantizedMiniLmTest;
import dev.jquant.compressor.models.MiniLmFixture;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's int8 MiniLM on oneDNN: its 36 MatMulInteger nodes (uint8 activations from
 * DynamicQuantizeLinear, int8 weights within ±64) run on oneDNN's int8 matmul, the rest where the plan says.
 */
class OneDnnOrtQuantizedMiniLmTest extends AbstractOrtQuantizedMiniLmTest {

    @Override
    protected String backend() {
        return OneDnnBackendProvider.NAME;
    }

    @Test
    void everyIntegerProductRunsOnOneDnn() throws Exception {
        try (Session session = model().newSession(SessionOptions.builder().backend(backend()).build())) {
            String plan = session.describePlan(MiniLmFixture.randomBatch(new Random(3), 1, 16));
            long onOneDnn = plan.lines().filter(l -> l.contains(" MatMulInteger ") && l.contains(" onednn ")).count();
            assertEquals(36, onOneDnn, plan);
            assertTrue(plan.lines().noneMatch(l -> l.contains(" MatMulInteger ") && l.contains("fallback")), plan);
        }
    }
}
