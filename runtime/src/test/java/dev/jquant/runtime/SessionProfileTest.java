package dev.jquant.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Session#profile} on y = Relu(x·W + b), with W large enough that the nodes' time dominates a run. */
class SessionProfileTest {

    private static final int N = 256;

    private static Model model() throws UnsupportedOperatorException {
        float[] w = new float[N * N];
        for (int i = 0; i < w.length; i++) {
            w[i] = ((i * 31) % 17 - 8) / 64f;
        }
        float[] b = new float[N];
        for (int i = 0; i < N; i++) {
            b[i] = (i % 5) - 2;
        }
        Graph g = new Graph("profiled", 17, List.of(new ValueInfo("x", DType.FLOAT32, null)),
                List.of(new ValueInfo("y", DType.FLOAT32, null)),
                List.of(new Node("mm", "MatMul", List.of("x", "W"), List.of("xw"), Map.of()),
                        new Node("bias", "Add", List.of("xw", "b"), List.of("sum"), Map.of()),
                        new Node("relu", "Relu", List.of("sum"), List.of("y"), Map.of())),
                Map.of("W", Tensor.ofFloats(w, N, N), "b", Tensor.ofFloats(b, N)), Map.of());
        return Model.of(g);
    }

    private static Map<String, Tensor> input() {
        float[] x = new float[N * N];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 11) - 5;
        }
        return Map.of("x", Tensor.ofFloats(x, N, N));
    }

    @Test
    void timesEveryNodeAndTheTimesAddUpToTheWallTime() throws Exception {
        try (Model m = model(); Session s = m.newSession(SessionOptions.builder().backend("java").build())) {
            Map<String, Tensor> in = input();
            float[] plain = s.run(in).get("y").toFloatArray();

            RunProfile p = s.profile(in, 5);

            assertEquals(5, p.runs());
            assertEquals(List.of("mm", "bias", "relu"), p.nodes().stream().map(RunProfile.NodeTime::name).toList());
            assertEquals(List.of(0, 1, 2), p.nodes().stream().map(RunProfile.NodeTime::step).toList());
            assertEquals(List.of("MatMul", "Add", "Relu"), p.nodes().stream().map(RunProfile.NodeTime::opType).toList());
            assertTrue(p.nodes().stream().allMatch(n -> n.nanos() > 0 && n.backend().equals("java")), p.nodes()::toString);
            long nodes = p.nodeNanos();
            assertTrue(nodes <= p.wallNanos(), nodes + " ns of nodes in " + p.wallNanos() + " ns");
            assertTrue(nodes >= p.wallNanos() / 2, "a 256³ product dominates each run: " + p.format(10, 10));
            assertEquals(nodes, p.byOpType().stream().mapToLong(RunProfile.OpTypeTime::nanos).sum());
            assertEquals(p.slowest(3).getFirst().nanos(), p.nodes().stream().mapToLong(RunProfile.NodeTime::nanos).max()
                    .orElseThrow());
            assertArrayEquals(plain, s.run(in).get("y").toFloatArray(), 0f, "profiling leaves the results alone");
        }
    }

    @Test
    void formatsOpTypesThenTheSlowestNodes() {
        RunProfile p = new RunProfile(2, 10_000_000, List.of(
                new RunProfile.NodeTime(0, "mm1", "MatMul", "java", 4_000_000),
                new RunProfile.NodeTime(1, "add", "Add", "java", 1_000_000),
                new RunProfile.NodeTime(2, "mm2", "dev.jquant:FusedMatMul", "java", 3_000_000)));

        assertEquals(List.of("MatMul", "dev.jquant:FusedMatMul", "Add"),
                p.byOpType().stream().map(RunProfile.OpTypeTime::opType).toList());
        String text = p.format(2, 1);
        assertTrue(text.startsWith("2 runs: 5.00 ms per run, of which the nodes 4.00 ms (80.0%)"), text);
        assertTrue(text.contains("MatMul                            1     2.000   50.0"), text);
        assertTrue(text.contains("dev.jquant:FusedMatMul            1     1.500   37.5"), text);
        assertTrue(!text.contains("Add "), "only the two slowest op types and the slowest node: " + text);
        assertTrue(text.contains("mm1"), text);
        assertTrue(!text.contains("mm2"), text);
    }

    @Test
    void rejectsFewerThanOneRun() throws Exception {
        try (Model m = model(); Session s = m.newSession()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.profile(input(), 0));
            assertEquals("runs must be at least 1, was 0", e.getMessage());
        }
    }
}
