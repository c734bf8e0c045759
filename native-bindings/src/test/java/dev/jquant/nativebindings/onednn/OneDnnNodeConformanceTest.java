package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.conformance.AbstractNodeConformanceTest;
import dev.jquant.compressor.onnx.OnnxTensors;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ONNX node tests on oneDNN (the shared suite: MatMul, Gemm and Conv on oneDNN, every other node
 * falling back to Java), plus which of them oneDNN really ran: the plan of every node test, tallied by
 * operator and backend.
 */
class OneDnnNodeConformanceTest extends AbstractNodeConformanceTest {

    private static final Path NODE_TESTS = Path.of(System.getProperty("jquant.node.tests",
            "/usr/share/libonnx-testdata/data/node"));
    private static final Set<String> OFFLOADED = Set.of("MatMul", "Gemm", "Conv");
    /** A step of the printed plan: index, op type, backend, then the (possibly empty) node name and an arrow. */
    private static final Pattern STEP = Pattern.compile("^\\s*\\d+\\s+(\\S+)\\s+(\\S+)\\s+(?:\\S+\\s+)?->");

    @Override
    protected String backend() {
        return OneDnnBackendProvider.NAME;
    }

    @Test
    void matMulGemmAndConvNodeTestsRunOnOneDnn() throws IOException {
        OneDnnTesting.assumeAvailable();
        Assumptions.assumeTrue(Files.isDirectory(NODE_TESTS), () -> "ONNX node tests not found at " + NODE_TESTS);
        Map<String, List<String>> ranNatively = new TreeMap<>();
        List<String> fallbacks = new ArrayList<>();
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(NODE_TESTS)) {
            cases = dirs.filter(d -> Files.exists(d.resolve("test_data_set_0"))).sorted().toList();
        }
        for (Path dir : cases) {
            String plan = plan(dir);
            for (String line : plan == null ? new String[0] : plan.split("\n")) {
                Matcher step = STEP.matcher(line);
                if (step.find() && OFFLOADED.contains(step.group(1))) {
                    if (step.group(2).equals(OneDnnBackendProvider.NAME)) {
                        ranNatively.computeIfAbsent(step.group(1), k -> new ArrayList<>()).add(dir.getFileName().toString());
                    } else {
                        fallbacks.add(dir.getFileName() + ": " + line.trim());
                    }
                }
            }
        }
        System.out.println("ONNX node tests whose nodes oneDNN ran:");
        ranNatively.forEach((op, tests) -> System.out.println("  " + op + " x" + tests.size() + ": " + tests));
        assertTrue(fallbacks.isEmpty(), "MatMul/Gemm/Conv nodes left to Java: " + fallbacks);
        assertTrue(ranNatively.keySet().containsAll(OFFLOADED), "each of " + OFFLOADED + " ran on oneDNN: " + ranNatively.keySet());
    }

    /** The plan of a node test on oneDNN for its first data set, or null where jquant cannot run it. */
    private static String plan(Path dir) throws IOException {
        Graph graph;
        try {
            graph = Compressor.importAndOptimize(dir.resolve("model.onnx"));
        } catch (UnsupportedOperatorException | RuntimeException e) {
            return null; // the shared suite reports these
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        List<ValueInfo> declared = graph.inputs();
        try (Stream<Path> files = Files.list(dir.resolve("test_data_set_0"))) {
            List<Path> in = files.filter(f -> f.getFileName().toString().startsWith("input_")).sorted().toList();
            if (in.size() != declared.size() || in.size() > 10) {
                return null; // optional inputs left out, or more than input_0..input_9 (name order = index order)
            }
            for (int i = 0; i < in.size(); i++) {
                inputs.put(declared.get(i).name(), OnnxTensors.read(in.get(i)));
            }
        }
        try (Model model = Model.of(graph);
                Session session = model.newSession(SessionOptions.builder().backend(OneDnnBackendProvider.NAME).build())) {
            return session.describePlan(inputs);
        } catch (UnsupportedOperatorException | RuntimeException e) {
            return null;
        }
    }
}
