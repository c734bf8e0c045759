package dev.jquant.nativebindings.onednn;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code omp_set_num_threads} of the libgomp that oneDNN runs on, and its wait policy. The presets do not
 * map OpenMP's API, so it is called through the FFM API. In OpenMP the thread count is a property of the
 * calling thread: setting it governs the parallel regions that thread starts, without touching other
 * sessions' threads.
 */
final class OpenMpThreads {

    private static final String LIBRARY = "libgomp.so.1";

    private final MethodHandle setNumThreads;

    private OpenMpThreads(MethodHandle setNumThreads) {
        this.setNumThreads = setNumThreads;
    }

    /**
     * The libgomp JavaCPP extracted next to the oneDNN JNI library, or else the one already loaded under
     * its soname (dlopen returns a loaded library rather than loading a second copy).
     */
    static OpenMpThreads find(Path nativeDirectory) {
        Path bundled = nativeDirectory == null ? null : nativeDirectory.resolve(LIBRARY);
        SymbolLookup gomp = bundled != null && Files.exists(bundled)
                ? SymbolLookup.libraryLookup(bundled, Arena.global())
                : SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        Linker linker = Linker.nativeLinker();
        // A store into the calling thread's OpenMP state: no thread-state transition is needed around it.
        MethodHandle set = linker.downcallHandle(symbol(gomp, "omp_set_num_threads"),
                FunctionDescriptor.ofVoid(ValueLayout.JAVA_INT), Linker.Option.critical(false));
        return new OpenMpThreads(set);
    }

    private static MemorySegment symbol(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException(LIBRARY + " has no symbol " + name));
    }

    /**
     * Makes OpenMP workers sleep, rather than spin, between parallel regions, unless the environment
     * already says how they should wait. Must run before libgomp loads: it reads its environment once,
     * when loaded. A session's Java operators and oneDNN's OpenMP workers take turns on the same cores,
     * and a worker spinning after each primitive takes its core from the Java operator that runs next
     * (MiniLM, batch 1 × seq 128, 2 threads on a 2-core VM: 81 to 471 ms median spinning, 67 ms sleeping).
     * Called while probing, typically at startup, since {@code setenv} races with other threads' {@code getenv}.
     *
     * @return the wait policy in force, for the probe's details
     */
    static String preferPassiveWaiting() {
        for (String variable : new String[] {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) {
            if (System.getenv(variable) != null) {
                return variable + "=" + System.getenv(variable) + " (from the environment)";
            }
        }
        Linker linker = Linker.nativeLinker();
        MemorySegment setenv = linker.defaultLookup().find("setenv").orElse(null);
        if (setenv == null) {
            return "OpenMP's default wait policy (no setenv here)";
        }
        MethodHandle call = linker.downcallHandle(setenv,
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        int status;
        try (Arena arena = Arena.ofConfined()) {
            status = (int) call.invokeExact(arena.allocateFrom("OMP_WAIT_POLICY"), arena.allocateFrom("PASSIVE"), 0);
        } catch (Throwable e) {
            throw new IllegalStateException("setenv(OMP_WAIT_POLICY) failed", e);
        }
        return status == 0 ? "OMP_WAIT_POLICY=PASSIVE (set by jquant)" : "OpenMP's default wait policy (setenv failed)";
    }

    void setThreads(int threads) {
        try {
            setNumThreads.invokeExact(threads);
        } catch (Throwable e) {
            throw new IllegalStateException("omp_set_num_threads(" + threads + ") failed", e);
        }
    }
}
