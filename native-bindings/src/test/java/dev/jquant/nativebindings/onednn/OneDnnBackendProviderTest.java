package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.Backends;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.Operators;
import dev.jquant.runtime.spi.Backend;
import dev.jquant.runtime.spi.BackendProbe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Discovery, probing (and its reasons when the natives are missing), and which nodes the backend takes. */
class OneDnnBackendProviderTest {

    @Test
    void probeNeverThrowsAndExplainsItself() {
        BackendProbe probe = new OneDnnBackendProvider().probe();
        System.out.println("onednn probe: " + probe);
        assertEquals("onednn", probe.name());
        if (probe.available()) {
            assertTrue(probe.reason().startsWith("oneDNN 3."), probe.reason());
            assertFalse(probe.isa().isBlank(), "the ISA oneDNN detected");
            assertFalse(probe.device().isBlank(), "the CPU");
            if (System.getenv("OMP_WAIT_POLICY") == null && System.getenv("GOMP_SPINCOUNT") == null) {
                assertTrue(probe.details().stream().anyMatch(d -> d.contains("OMP_WAIT_POLICY=PASSIVE (set by jquant)")),
                        probe.details().toString());
            }
        } else {
            assertFalse(probe.reason().isBlank(), "an unavailable probe says why");
        }
        assertEquals(probe, new OneDnnBackendProvider().probe(), "the probe is cached");
    }

    @Test
    void foundThroughServiceLoaderAboveJava() {
        List<BackendProbe> probes = Backends.probe();
        List<String> names = probes.stream().map(BackendProbe::name).toList();
        assertTrue(names.indexOf("onednn") >= 0 && names.indexOf("onednn") < names.indexOf("java"), names.toString());
        BackendProbe probe = new OneDnnBackendProvider().probe();
        try (Backend auto = Backends.open(Backends.AUTO)) {
            assertEquals(probe.available() ? "onednn" : "java", auto.name(), "auto picks oneDNN when it loads");
        }
    }

    @Test
    void reasonsNameWhatIsMissing() {
        assertEquals("org.bytedeco dnnl natives for linux-arm64 are not on the class path or failed to load "
                        + "(org.bytedeco:dnnl:<version>:linux-arm64): no jnidnnl in java.library.path",
                OneDnnAvailability.reason(new UnsatisfiedLinkError("no jnidnnl in java.library.path"), "linux-arm64"));
        assertTrue(OneDnnAvailability.reason(new UnsatisfiedLinkError("Could not find jniOpenCL in class, module, and library paths."),
                "linux-x86_64").startsWith("org.bytedeco opencl natives for linux-x86_64"));
        assertTrue(OneDnnAvailability.reason(new NoClassDefFoundError("org/bytedeco/javacpp/Loader"), "linux-x86_64")
                .startsWith("JavaCPP (org.bytedeco:javacpp) is not on the class path"));
        assertTrue(OneDnnAvailability.reason(new NoClassDefFoundError("org/bytedeco/dnnl/global/dnnl"), "linux-x86_64")
                .startsWith("the oneDNN presets (org.bytedeco:dnnl) are not on the class path"));
        assertTrue(OneDnnAvailability.reason(new TypeNotPresentException("org.bytedeco.opencl.presets.OpenCL", null),
                "linux-x86_64").contains("org.bytedeco:opencl"));
        assertTrue(OneDnnAvailability.reason(new ExceptionInInitializerError(new IllegalStateException("boom")), "linux-x86_64")
                .endsWith("java.lang.IllegalStateException: boom"));
    }

    @Test
    void takesItsOperatorsAndSaysWhyNotTheRest() {
        OneDnnTesting.assumeAvailable();
        try (Backend backend = new OneDnnBackendProvider().open()) {
            for (String op : new String[] {"MatMul", "Gemm", "Conv", "ConvInteger", "QLinearConv", "MatMulInteger",
                    "QLinearMatMul", "Gelu", "MaxPool", "AveragePool", "Softmax", "LogSoftmax",
                    "LayerNormalization"}) {
                assertEquals(null, backend.whyUnsupported(node(op, ""), 17), op);
                assertNotNull(backend.createOperator(node(op, ""), 17), op);
            }
            assertEquals("Erf: not offloaded to oneDNN yet", backend.whyUnsupported(node("Erf", ""), 17));
            assertEquals(null, backend.whyUnsupported(node("FusedMatMul", Operators.JQUANT_DOMAIN), 17));
            assertEquals(null, backend.whyUnsupported(node("Attention", Operators.JQUANT_DOMAIN), 17));
            assertNotNull(backend.createOperator(node("Attention", Operators.JQUANT_DOMAIN), 17));
            assertEquals("dev.jquant:Unknown: not an ONNX default-domain operator",
                    backend.whyUnsupported(node("Unknown", Operators.JQUANT_DOMAIN), 17));
            assertEquals("com.microsoft:MatMul: not an ONNX default-domain operator",
                    backend.whyUnsupported(node("MatMul", "com.microsoft"), 17));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend.createOperator(node("Erf", ""), 17));
            assertEquals("no oneDNN operator for Erf; expected one of [AveragePool, Conv, ConvInteger, Gelu, Gemm, "
                    + "LayerNormalization, LogSoftmax, MatMul, MatMulInteger, MaxPool, QLinearConv, QLinearMatMul, Softmax]", e.getMessage());
            backend.close();
            backend.close();
        }
    }

    private static Node node(String op, String domain) {
        return new Node("n", op, domain, List.of("a", "b"), List.of("y"), Map.of());
    }
}
