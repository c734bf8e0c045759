package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Native objects live as long as the plan that uses them: an operator's primitive goes when its plan is
 * dropped, and a session that plans more shapes than its cache holds re-plans evicted ones correctly.
 */
class OneDnnPlanLifetimeTest {

    @BeforeAll
    static void requireOneDnn() {
        OneDnnTesting.assumeAvailable();
    }

    @Test
    void closingAnOperatorReleasesItsNativeObjects() {
        try (OneDnnBackend backend = (OneDnnBackend) new OneDnnBackendProvider().open()) {
            Node node = new Node("mm", "MatMul", List.of("a", "b"), List.of("y"), Map.of());
            Operator first = backend.createOperator(node, 17);
            Operator second = backend.createOperator(node, 17);
            assertEquals(2, backend.liveOperatorResources());
            first.close();
            first.close();
            assertEquals(1, backend.liveOperatorResources());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> first.execute(null));
            assertEquals("MatMul node 'mm': its oneDNN primitives were closed", e.getMessage());
            second.close();
            assertEquals(0, backend.liveOperatorResources());
        }
    }

    @Test
    void evictedPlansAreReplannedCorrectly() throws Exception {
        Random random = new Random(5);
        Tensor w = OneNodeModel.random(random, 8, 5);
        Graph graph = new Graph("project", OneNodeModel.OPSET, List.of(new ValueInfo("x", DType.FLOAT32, null)),
                List.of(new ValueInfo("y", DType.FLOAT32, null)),
                List.of(new Node("mm", "MatMul", List.of("x", "w"), List.of("y"), Map.of())), Map.of("w", w), Map.of());
        try (Model model = Model.of(graph);
                Session java = model.newSession(SessionOptions.builder().backend("java").build());
                Session oneDnn = model.newSession(SessionOptions.builder().backend(OneDnnBackendProvider.NAME).build())) {
            // More shapes than a session keeps plans for, then the first ones again (evicted, planned anew).
            for (int rows : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 1, 2, 3}) {
                Map<String, Tensor> inputs = Map.of("x", OneNodeModel.random(random, rows, 8));
                assertArrayEquals(java.run(inputs).get("y").toFloatArray(), oneDnn.run(inputs).get("y").toFloatArray(),
                        1e-5f, rows + " rows");
            }
        }
    }
}
