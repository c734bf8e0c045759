package dev.jquant.compressor.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.onnx.OnnxTensors;
import dev.jquant.runtime.Backends;
import dev.jquant.runtime.InferenceException;
import dev.jquant.runtime.ops.UnsupportedVariantException;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.spi.BackendProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs ONNX's backend node tests (Debian package {@code libonnx-testdata}) on one backend: each test
 * model is imported, written to {@code .jqm}, opened, run on every test data set and compared with the
 * expected outputs at ONNX's tolerances (rtol 1e-3, atol 1e-7). A test whose operator jquant does not
 * support is skipped and counted; any other failure fails the suite. Every backend extends this class.
 *
 * <p>{@code -Djquant.node.filter=conv} restricts the run to test names containing the text;
 * {@code -Djquant.node.tests=DIR} points at another copy of the tests.
 */
public abstract class AbstractNodeConformanceTest {

    static final Path NODE_TESTS = Path.of(System.getProperty("jquant.node.tests",
            "/usr/share/libonnx-testdata/data/node"));
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-7;

    /**
     * Tests whose data contradicts their own model, so no conforming runtime can pass them: in ONNX 1.12's
     * CastLike tests the 'like' input is stored as FLOAT [1] while the model declares it [3, 4].
     */
    static final Map<String, String> BROKEN_TEST_DATA = Map.of(
            "test_castlike_BFLOAT16_to_FLOAT", "'like' stored as FLOAT[1], model declares FLOAT[3, 4]",
            "test_castlike_BFLOAT16_to_FLOAT_expanded", "'like' stored as FLOAT[1], model declares FLOAT[3, 4]",
            "test_castlike_FLOAT_to_BFLOAT16", "'like' stored as FLOAT[1], model declares BFLOAT16[3, 4]",
            "test_castlike_FLOAT_to_BFLOAT16_expanded", "'like' stored as FLOAT[1], model declares BFLOAT16[3, 4]");

    @TempDir
    Path work;

    /** The backend under test, as named by {@code Backends.probe()}. */
    protected abstract String backend();

    @Test
    void onnxNodeTests() throws IOException {
        BackendProbe probe = Backends.probe().stream().filter(p -> p.name().equals(backend())).findFirst()
                .orElse(BackendProbe.unavailable(backend(), "no provider named '" + backend() + "' on the class path"));
        if (!probe.available()) {
            System.out.println("SKIPPED node conformance on " + backend() + ": " + probe.reason());
        }
        Assumptions.assumeTrue(probe.available(), () -> backend() + " unavailable: " + probe.reason());
        Assumptions.assumeTrue(Files.isDirectory(NODE_TESTS),
                () -> "ONNX node tests not found at " + NODE_TESTS + " (apt-get install libonnx-testdata)");

        String filter = System.getProperty("jquant.node.filter", "");
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(NODE_TESTS)) {
            cases = dirs.filter(d -> Files.exists(d.resolve("model.onnx")))
                    .filter(d -> d.getFileName().toString().contains(filter)).sorted().toList();
        }
        int passed = 0;
        List<String> failures = new ArrayList<>();
        Map<String, List<String>> skippedByReason = new TreeMap<>();
        for (Path dir : cases) {
            String name = dir.getFileName().toString();
            if (BROKEN_TEST_DATA.containsKey(name)) {
                skippedByReason.computeIfAbsent("test data contradicts its model", k -> new ArrayList<>())
                        .add(name + " (" + BROKEN_TEST_DATA.get(name) + ")");
                continue;
            }
            try {
                runCase(dir);
                passed++;
            } catch (UnsupportedOperatorException e) {
                skippedByReason.computeIfAbsent("unsupported " + e.opType(), k -> new ArrayList<>()).add(name);
            } catch (InferenceException e) {
                UnsupportedVariantException variant = variantCause(e);
                if (variant == null) {
                    failures.add(name + ": " + e.getMessage());
                } else {
                    skippedByReason.computeIfAbsent("unsupported variant of " + opOf(e), k -> new ArrayList<>()).add(name);
                }
            } catch (AssertionError | Exception e) {
                failures.add(name + ": " + e.getMessage());
            }
        }
        int skipped = skippedByReason.values().stream().mapToInt(List::size).sum();
        System.out.println("ONNX node tests on backend " + backend() + " (" + NODE_TESTS + "):");
        skippedByReason.forEach((why, names) -> System.out.println("  skipped, " + why + ": " + names));
        failures.forEach(f -> System.out.println("  FAILED " + f));
        System.out.println(passed + " passed, " + failures.size() + " failed, " + skipped + " skipped");
        assertTrue(failures.isEmpty(), failures.size() + " node tests failed on " + backend() + ", first: "
                + (failures.isEmpty() ? "" : failures.get(0)));
        assertTrue(passed > 0 || !filter.isEmpty(), "no node test passed");
    }

    private void runCase(Path dir) throws Exception {
        Graph graph = Compressor.importAndOptimize(dir.resolve("model.onnx"));
        Path jqm = work.resolve(dir.getFileName() + ".jqm");
        Compressor.write(graph, jqm);
        List<Path> dataSets;
        try (Stream<Path> s = Files.list(dir)) {
            dataSets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
        }
        try (Model model = Model.open(jqm);
                Session session = model.newSession(SessionOptions.builder().backend(backend()).build())) {
            for (Path data : dataSets) {
                Map<String, Tensor> inputs = new LinkedHashMap<>();
                List<Path> inputFiles = numbered(data, "input_");
                for (int i = 0; i < inputFiles.size(); i++) {
                    String stored = OnnxTensors.name(inputFiles.get(i));
                    boolean known = model.inputs().stream().anyMatch(v -> v.name().equals(stored));
                    String name = known ? stored : model.inputs().get(i).name();
                    DType declared = model.inputs().stream().filter(v -> v.name().equals(name)).findFirst()
                            .orElseThrow().dtype();
                    inputs.put(name, asDeclared(OnnxTensors.read(inputFiles.get(i)), declared));
                }
                try (Result result = session.run(inputs)) {
                    List<Path> expectedFiles = numbered(data, "output_");
                    for (int i = 0; i < expectedFiles.size(); i++) {
                        String outName = model.outputs().get(i).name();
                        Tensor actual = result.get(outName);
                        TensorComparison.assertClose(asDeclared(OnnxTensors.read(expectedFiles.get(i)), actual.dtype()), actual,
                                RTOL, ATOL, data.getFileName() + " output '" + outName + "'");
                    }
                }
            }
        }
    }

    private static UnsupportedVariantException variantCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnsupportedVariantException v) {
                return v;
            }
        }
        return null;
    }

    /** The op type at the start of the runtime's "<Op> node 'name' ..." messages. */
    private static String opOf(InferenceException e) {
        String m = String.valueOf(e.getMessage());
        int space = m.indexOf(' ');
        return space > 0 ? m.substring(0, space) : m;
    }

    /**
     * ONNX's test data stores bfloat16 tensors as uint16 bit patterns (numpy has no bfloat16); read them
     * as the type the model declares.
     */
    private static Tensor asDeclared(Tensor t, DType declared) {
        if (t.dtype() == DType.UINT16 && declared == DType.BFLOAT16) {
            return Tensor.of(DType.BFLOAT16, t.shape(), t.data());
        }
        return t;
    }

    private static List<Path> numbered(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted((a, b) -> Integer.compare(index(a, prefix), index(b, prefix))).toList();
        }
    }

    private static int index(Path p, String prefix) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring(prefix.length(), n.indexOf('.')));
    }
}
