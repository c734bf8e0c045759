package dev.jquant.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.runtime.Backends;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.spi.BackendProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jquant inspect --plan} on y = tanh(x·W), x: FLOAT32[batch, seq, 4], and {@code jquant backends}
 * for the oneDNN backend that comes with the CLI.
 */
class InspectPlanTest {

    @TempDir
    Path dir;
    Path jqm;

    @BeforeEach
    void writeModel() throws IOException {
        Tensor w = Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 4, 3);
        Graph graph = new Graph("proj", 17,
                List.of(new ValueInfo("x", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.symbolic("seq"), Dim.fixed(4)))),
                List.of(new ValueInfo("y", DType.FLOAT32, null)),
                List.of(new Node("proj", "MatMul", List.of("x", "w"), List.of("xw"), Map.of()),
                        new Node("squash", "Tanh", List.of("xw"), List.of("y"), Map.of())),
                Map.of("w", w), Map.of());
        jqm = dir.resolve("proj.jqm");
        Compressor.write(graph, jqm);
    }

    @Test
    void planOnJavaListsEachNodeWithShapes() {
        CliRun r = CliRun.of("inspect", jqm.toString(), "--plan", "--backend", "java", "--batch", "2", "--seq", "5");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(jqm + ": plan on backend java (asked for java), inputs x FLOAT32[2, 5, 4]", lines[0]);
        assertTrue(lines[1].matches(" +0 +MatMul +java +proj +-> .*FLOAT32\\[2, 5, 3\\]"), lines[1]);
        assertTrue(lines[2].matches(" +1 +Tanh +java +squash +-> .*FLOAT32\\[2, 5, 3\\]"), lines[2]);
        assertTrue(lines[3].startsWith("2 nodes run ({java=2})"), lines[3]);
    }

    @Test
    void planOnOneDnnShowsTheFallbackReason() {
        BackendProbe oneDnn = probe("onednn");
        if (!oneDnn.available()) {
            System.out.println("SKIPPED inspect --plan on onednn: " + oneDnn.reason());
            return;
        }
        CliRun r = CliRun.of("inspect", jqm.toString(), "--plan", "--backend", "onednn");
        assertEquals(0, r.exitCode(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].endsWith("plan on backend onednn (asked for onednn), inputs x FLOAT32[1, 128, 4]"), lines[0]);
        assertTrue(lines[1].matches(" +0 +MatMul +onednn +proj +-> [^\\[]*\\[[^\\]]*\\]"), "no fallback: " + lines[1]);
        assertTrue(lines[2].matches(" +1 +Tanh +java +squash +-> .*  \\[fallback: Tanh: .+\\]"), lines[2]);
    }

    @Test
    void planOnlyOptionsNeedPlan() {
        CliRun r = CliRun.of("inspect", jqm.toString(), "--backend", "java");
        assertEquals(2, r.exitCode(), r.out());
        assertTrue(r.err().startsWith("jquant: --backend is only used with --plan"), r.err());
    }

    @Test
    void backendsShowsOneDnnVersionAndIsaOrWhyNot() {
        CliRun r = CliRun.of("backends");
        assertEquals(0, r.exitCode(), r.err());
        BackendProbe oneDnn = probe("onednn");
        if (oneDnn.available()) {
            assertTrue(r.out().matches("(?s)onednn +available +oneDNN 3\\.\\d+\\.\\d+ loaded\n +device: .+\n +isa: +\\S+.*"),
                    r.out());
        } else {
            assertTrue(r.out().contains("onednn  unavailable  " + oneDnn.reason()), r.out());
        }
    }

    private static BackendProbe probe(String name) {
        return Backends.probe().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }
}
