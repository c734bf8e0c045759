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

    private final String version;
    private final String isa;
    private final String threading;
    /** Null where oneDNN does not run on OpenMP. */
    private final OpenMpThreads openMp;

    private OneDnnLibrary(String version, String isa, String threading, OpenMpThreads openMp) {
        this.version = version;
        this.isa = isa;
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
        return new OneDnnLibrary(version, isaName(dnnl_get_effective_cpu_isa()), threading, openMp);
    }

    BackendProbe probe() {
        List<String> details = new ArrayList<>();
        details.add("oneDNN " + version);
        details.add("fp32 MatMul, Gemm, Conv; other nodes on Java");
        details.add(threading);
        return new BackendProbe(OneDnnBackendProvider.NAME, true, "oneDNN " + version + " loaded", cpu(), isa, details);
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
