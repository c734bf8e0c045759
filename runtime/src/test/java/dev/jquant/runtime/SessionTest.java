package dev.jquant.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Session contract on a small hand-built graph: y = Relu(x + bias) reshaped to [batch, -1] through
 * a shape computed from x at plan time.
 */
class SessionTest {

    private static Model model() throws UnsupportedOperatorException {
        Tensor bias = Tensor.ofFloats(new float[] {1, -1, 0.5f}, 3);
        List<Node> nodes = List.of(
                new Node("add", "Add", List.of("x", "bias"), List.of("sum"), Map.of()),
                new Node("relu", "Relu", List.of("sum"), List.of("act"), Map.of()),
                new Node("shape", "Shape", List.of("x"), List.of("x_shape"), Map.of()),
                new Node("first", "Gather", List.of("x_shape", "zero"), List.of("batch"), Map.of("axis", new Attribute.IntValue(0))),
                new Node("unsq", "Unsqueeze", List.of("batch", "axes0"), List.of("batch1"), Map.of()),
                new Node("cat", "Concat", List.of("batch1", "minus1"), List.of("new_shape"), Map.of("axis", new Attribute.IntValue(0))),
                new Node("reshape", "Reshape", List.of("act", "new_shape"), List.of("y"), Map.of()));
        Graph g = new Graph("test", 17,
                List.of(new ValueInfo("x", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.symbolic("n"), Dim.fixed(3)))),
                List.of(new ValueInfo("y", DType.FLOAT32, null)),
                nodes,
                Map.of("bias", bias, "zero", Tensor.scalarLong(0), "axes0", Tensor.ofLongs(new long[] {0}, 1),
                        "minus1", Tensor.ofLongs(new long[] {-1}, 1)),
                Map.of());
        return Model.of(g);
    }

    private static Tensor input(int batch, int n) {
        float[] v = new float[batch * n * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i % 7) - 3;
        }
        return Tensor.ofFloats(v, batch, n, 3);
    }

    @Test
    void runsWithDynamicShapesAndShapeArithmeticFoldedAtPlanTime() throws Exception {
        try (Model m = model(); Session s = m.newSession()) {
            for (int[] shape : new int[][] {{1, 1}, {2, 5}, {3, 2}, {2, 5}}) {
                Tensor x = input(shape[0], shape[1]);
                Tensor y = s.run(Map.of("x", x)).get("y");
                assertArrayEquals(new long[] {shape[0], shape[1] * 3L}, y.shape());
                float[] xs = x.toFloatArray();
                float[] ys = y.toFloatArray();
                float[] bias = {1, -1, 0.5f};
                for (int i = 0; i < xs.length; i++) {
                    assertEquals(Math.max(0, xs[i] + bias[i % 3]), ys[i], 0f);
                }
            }
            String plan = s.describePlan(Map.of("x", input(2, 5)));
            assertTrue(plan.contains("Relu"), plan);
            assertTrue(plan.contains("evaluated while planning"), plan);
        }
    }

    @Test
    void writesIntoCallerOwnedOutputs() throws Exception {
        try (Model m = model(); Session s = m.newSession()) {
            Map<String, Tensor> in = Map.of("x", input(2, 4));
            Tensor out = Tensor.allocate(DType.FLOAT32, 2, 12);
            s.run(in, Map.of("y", out));
            assertArrayEquals(s.run(in).get("y").toFloatArray(), out.toFloatArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> s.run(in, Map.of("y", Tensor.allocate(DType.FLOAT32, 2, 11))));
            assertTrue(e.getMessage().contains("output 'y' needs a tensor FLOAT32[2, 12]"), e.getMessage());
        }
    }

    @Test
    void wrongInputsAreNamedWithWhatWasExpected() throws Exception {
        try (Model m = model(); Session s = m.newSession()) {
            assertMessage("unknown input 'z', expected one of [x]", () -> s.run(Map.of("z", input(1, 1))));
            assertMessage("missing input x: FLOAT32[batch, n, 3]", () -> s.run(Map.of()));
            assertMessage("input 'x' must be FLOAT32, was INT64",
                    () -> s.run(Map.of("x", Tensor.ofLongs(new long[3], 1, 1, 3))));
            assertMessage("input 'x' must have rank 3", () -> s.run(Map.of("x", Tensor.ofFloats(new float[3], 1, 3))));
            assertMessage("input 'x' dimension 2 must be 3", () -> s.run(Map.of("x", Tensor.ofFloats(new float[4], 1, 1, 4))));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsAClearError() throws Exception {
        Model m = model();
        Session s = m.newSession();
        s.close();
        assertDoesNotThrow(s::close);
        assertMessage("session is closed", () -> s.run(Map.of("x", input(1, 1))));
        m.close();
        assertDoesNotThrow(m::close);
        assertMessage("model is closed", m::newSession);
    }

    @Test
    void unknownBackendListsTheValidNames() throws Exception {
        try (Model m = model()) {
            assertMessage("unknown backend 'tpu', expected auto or one of [",
                    () -> m.newSession(SessionOptions.builder().backend("tpu").build()));
        }
    }

    @Test
    void javaBackendIsAlwaysAvailableWithoutNativeLibraries() {
        var java = Backends.probe().stream().filter(p -> p.name().equals("java")).findFirst().orElseThrow();
        assertTrue(java.available(), java.reason());
    }

    @Test
    void threadsOptionIsValidated() {
        assertMessage("threads must be in [1, 1024], was 0", () -> SessionOptions.builder().threads(0).build());
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable call) {
        Throwable e = assertThrows(RuntimeException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), "expected '" + expectedPart + "' in: " + e.getMessage());
    }
}
