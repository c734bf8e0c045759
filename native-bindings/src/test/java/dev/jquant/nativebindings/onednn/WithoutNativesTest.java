package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.Backends;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.spi.BackendProbe;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The runtime with this module but without oneDNN's native jar: a second JVM, on the test class path
 * minus the dnnl platform jar, probes (unavailable, naming the missing jar) and runs a model on
 * {@code auto}, which falls back to Java.
 */
class WithoutNativesTest {

    @Test
    void probeSaysWhyAndAutoRunsOnJava() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String withoutNatives = Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !Path.of(entry).getFileName().toString().matches("dnnl-.*-linux-.*\\.jar"))
                .collect(Collectors.joining(File.pathSeparator));
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", withoutNatives, WithoutNativesTest.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), "the child JVM finished");
        System.out.print(output);
        assertEquals(0, java.exitValue(), output);
        assertTrue(output.contains("onednn unavailable: org.bytedeco dnnl natives for "), output);
        assertTrue(output.contains("auto ran on java: [4.0, 6.0]"), output);
    }

    /** The child JVM: prints oneDNN's probe, then runs y = x + x on {@code auto}. */
    public static void main(String[] args) throws Exception {
        BackendProbe probe = Backends.probe().stream().filter(p -> p.name().equals("onednn")).findFirst().orElseThrow();
        System.out.println("onednn " + (probe.available() ? "available" : "unavailable: " + probe.reason()));
        Graph graph = new Graph("add", 17, List.of(new ValueInfo("x", DType.FLOAT32, null)),
                List.of(new ValueInfo("y", DType.FLOAT32, null)),
                List.of(new Node("add", "Add", List.of("x", "x"), List.of("y"), Map.of())), Map.of(), Map.of());
        try (Model model = Model.of(graph);
                Session session = model.newSession(SessionOptions.builder().backend(Backends.AUTO).build())) {
            Tensor y = session.run(Map.of("x", Tensor.ofFloats(new float[] {2, 3}, 2))).get("y");
            System.out.println("auto ran on " + session.backendName() + ": " + Arrays.toString(y.toFloatArray()));
        }
    }
}
