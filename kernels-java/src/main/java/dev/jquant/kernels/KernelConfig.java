package dev.jquant.kernels;

import java.util.Locale;

/**
 * How kernel implementations are chosen, decided once per JVM. System properties, for tests and
 * benchmarks:
 * <ul>
 *   <li>{@code jquant.kernels=auto|scalar|vector} — force the scalar reference or the Vector API kernels;</li>
 *   <li>{@code jquant.vector.bits=128|256|512} — cap the vector width (default: the machine's preferred).</li>
 * </ul>
 * When {@code jdk.incubator.vector} is not in the boot layer (the JVM was started without
 * {@code --add-modules jdk.incubator.vector}), the scalar kernels are used and {@link #reason()} says why.
 */
public final class KernelConfig {

    private static final boolean VECTOR_MODULE_PRESENT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final String MODE =
            System.getProperty("jquant.kernels", "auto").toLowerCase(Locale.ROOT);
    private static final int MAX_VECTOR_BITS = Integer.getInteger("jquant.vector.bits", 0);

    private KernelConfig() {
    }

    /** True when the Vector API kernels should be used. */
    public static boolean useVector() {
        return VECTOR_MODULE_PRESENT && !MODE.equals("scalar");
    }

    /** The requested cap on the vector width in bits, or 0 for the machine's preferred width. */
    public static int maxVectorBits() {
        return MAX_VECTOR_BITS;
    }

    /** A sentence saying which kernels are in use and why. */
    public static String reason() {
        if (!VECTOR_MODULE_PRESENT) {
            return "scalar kernels: jdk.incubator.vector is not loaded (start the JVM with --add-modules jdk.incubator.vector)";
        }
        if (MODE.equals("scalar")) {
            return "scalar kernels: forced by -Djquant.kernels=scalar";
        }
        int preferred = VectorWidth.preferredBits();
        return "Vector API kernels, " + preferred + "-bit float vectors (" + preferred / 32 + " lanes) preferred here"
                + (MAX_VECTOR_BITS > 0 ? ", capped at " + MAX_VECTOR_BITS + " bits by -Djquant.vector.bits" : "");
    }

    /** Touches the incubator classes only when the module is present (see {@link #useVector()}). */
    private static final class VectorWidth {
        static int preferredBits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
