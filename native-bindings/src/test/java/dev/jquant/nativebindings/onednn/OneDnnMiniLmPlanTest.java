package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.models.MiniLmFixture;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import java.nio.file.Path;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The printed plan of MiniLM on oneDNN: every MatMul (and the pooler's Gemm) on oneDNN, every other node on Java with the reason. */
class OneDnnMiniLmPlanTest {

    /** A step of the printed plan: index, op type, backend, node name, then its outputs after an arrow. */
    /** The op types of fp32 MiniLM that oneDNN runs; the rest (Gather, Add, Tanh, ...) fall back to Java. */
    private static final Set<String> ON_ONEDNN = Set.of("MatMul", "Gemm", "LayerNormalization", "Gelu",
            "Attention");
    private static final Pattern STEP = Pattern.compile("^\\s*\\d+\\s+(\\S+)\\s+(\\S+)\\s+\\S+\\s+->");

    @TempDir
    Path dir;

    @Test
    void productsAttentionGeluAndLayerNormsRunOnOneDnnTheRestFallsBackWithReasons() throws Exception {
        OneDnnTesting.assumeAvailable();
        Path onnx = MiniLmFixture.extract(MiniLmFixture.MODEL_RESOURCE, dir);
        Path jqm = dir.resolve("minilm.jqm");
        Compressor.write(Compressor.importAndOptimize(onnx), jqm);
        String plan;
        try (Model model = Model.open(jqm);
                Session session = model.newSession(SessionOptions.builder().backend(OneDnnBackendProvider.NAME).build())) {
            plan = session.describePlan(MiniLmFixture.randomBatch(new Random(1), 1, 16));
        }
        System.out.print(plan);
        int matMuls = 0;
        for (String line : plan.split("\n")) {
            Matcher step = STEP.matcher(line);
            if (!step.find()) {
                continue;
            }
            String op = step.group(1);
            String backend = step.group(2);
            if (ON_ONEDNN.contains(op)) {
                matMuls += op.equals("MatMul") ? 1 : 0;
                assertEquals("onednn", backend, line);
            } else {
                assertEquals("java", backend, line);
                assertTrue(line.contains("[fallback: " + op + ": not offloaded to oneDNN yet]"), line);
            }
        }
        // Six layers: Q, K, V, attention output and two feed-forward weights (the attention's own products
        // are inside the fused Attention node).
        assertEquals(6 * 6, matMuls, "MatMul nodes in the plan");
    }
}
