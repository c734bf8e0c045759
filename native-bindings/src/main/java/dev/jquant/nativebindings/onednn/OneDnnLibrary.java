package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.spi.BackendProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.Loader;

/** The loaded oneDNN: its version, the instruction set it dispatches to, and its thread control. */
final class OneDnnLibrary {

    /** The largest int8 weight magnitude whose products with uint8 never saturate a pair sum in int16. */
    static final int SATURATION_FREE_CODE = 64;

    private final String version;
    private final String isa;
    /** True where int8 products accumulate in int32 directly (VNNI, AMX); see {@link #int8SumsExact}. */
    private final boolean dotProductInstructions;
    private final String threading;
    /** Null where oneDNN does not run on OpenMP. */
    private final OpenMpThreads openMp;

    private OneDnnLibrary(String version, int isa, String threading, OpenMpThreads openMp) {
        this.version = version;
        this.isa = isaName(isa);
        this.dotProductInstructions = (isa & dnnl_cpu_isa_avx2_vnni) == dnnl_cpu_isa_avx2_vnni
                || (isa & dnnl_cpu_isa_avx512_core_vnni) == dnnl_cpu_isa_avx512_core_vnni;
        this.threading = threading;
        this.openMp = openMp;
    }

    /** Loads the natives; throws whatever JavaCPP throws when they are missing. */
    static OneDnnLibrary load() {
        String waitPolicy = OpenMpThreads.preferPassiveWaiting();
        Path jni = Path.of(Loader.load(dnnl.class));
        dnnl_version_t v = dnnl_version();
        String version = v.major() + "." + v.minor() + "." + v.patch();
        OpenMpThreads openMp = null;
        String threading;
        if (v.cpu_runtime() == DNNL_RUNTIME_OMP) {
            openMp = OpenMpThreads.find(jni.getParent());
            threading = "threads: OpenMP, set per session (omp_set_num_threads); " + waitPolicy;
        } else {
            threading = "threads: CPU runtime " + v.cpu_runtime() + ", not set per session";
        }
        return new OneDnnLibrary(version, dnnl_get_effective_cpu_isa(), threading, openMp);
    }

    BackendProbe probe() {
        List<String> details = new ArrayList<>();
        details.add("oneDNN " + version);
        details.add("fp32 MatMul, Gemm, Conv, MaxPool, AveragePool, Softmax, LogSoftmax, LayerNormalization; int8-weight MatMul"
                + (dotProductInstructions ? "" : " (weight codes within ±" + SATURATION_FREE_CODE + ")")
                + "; other nodes on Java");
        details.add(threading);
        return new BackendProbe(OneDnnBackendProvider.NAME, true, "oneDNN " + version + " loaded", cpu(), isa, details);
    }

    /**
     * Whether oneDNN's uint8×int8 sums are exact for int8 weight codes of magnitude up to {@code largestCode}.
     * Without VNNI (or AMX) x86 multiplies bytes with {@code vpmaddubsw}, which adds two products into a
     * saturating int16: exact only while {@code 2·255·|w| ≤ 32767}, i.e. 7-bit weights.
     */
    boolean int8SumsExact(int largestCode) {
        return dotProductInstructions || largestCode <= SATURATION_FREE_CODE;
    }

    /**
     * Sets the calling thread's OpenMP thread count, which oneDNN uses for the primitives this thread
     * creates and runs. Allocates nothing.
     */
    void setThreads(int threads) {
        if (openMp != null) {
            openMp.setThreads(threads);
        }
    }

    private static String isaName(int isa) {
        return switch (isa) {
            case dnnl_cpu_isa_sse41 -> "sse41";
            case dnnl_cpu_isa_avx -> "avx";
            case dnnl_cpu_isa_avx2 -> "avx2";
            case dnnl_cpu_isa_avx2_vnni -> "avx2_vnni";
            case dnnl_cpu_isa_avx2_vnni_2 -> "avx2_vnni_2";
            case dnnl_cpu_isa_avx512_core -> "avx512_core";
            case dnnl_cpu_isa_avx512_core_vnni -> "avx512_core_vnni";
            case dnnl_cpu_isa_avx512_core_bf16 -> "avx512_core_bf16";
            case dnnl_cpu_isa_avx512_core_fp16 -> "avx512_core_fp16";
            case dnnl_cpu_isa_avx512_core_amx -> "avx512_core_amx";
            case dnnl_cpu_isa_avx512_core_amx_fp16 -> "avx512_core_amx_fp16";
            case dnnl_cpu_isa_avx10_2_512 -> "avx10_2_512";
            case dnnl_cpu_isa_avx10_2_512_amx_2 -> "avx10_2_512_amx_2";
            default -> "isa 0x" + Integer.toHexString(isa);
        };
    }

    /** The CPU model and the cores this JVM may use. */
    private static String cpu() {
        String model = System.getProperty("os.arch");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: the architecture is what we can say.
        }
        return model + " (" + Runtime.getRuntime().availableProcessors() + " cores available)";
    }
}
