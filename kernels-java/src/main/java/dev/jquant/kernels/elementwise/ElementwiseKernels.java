package dev.jquant.kernels.elementwise;

import dev.jquant.kernels.KernelConfig;

/**
 * Chooses the {@link FloatElementwise} implementation once per JVM, as {@link KernelConfig} says:
 * the Vector API kernels when {@code jdk.incubator.vector} is loaded and not switched off, else the
 * scalar reference. A vector implementation that fails to link falls back with one warning.
 */
public final class ElementwiseKernels {

    private static final FloatElementwise FLOATS = choose();

    private ElementwiseKernels() {
    }

    /** The float32 kernels this JVM uses. */
    public static FloatElementwise floats() {
        return FLOATS;
    }

    private static FloatElementwise choose() {
        if (!KernelConfig.useVector()) {
            return new ScalarElementwise();
        }
        try {
            return new VectorElementwise();
        } catch (LinkageError e) {
            System.getLogger(ElementwiseKernels.class.getName()).log(System.Logger.Level.WARNING,
                    "Vector API elementwise kernels failed to load (" + e + "); using the scalar kernels. "
                            + "Run with --add-modules jdk.incubator.vector, or -Djquant.kernels=scalar to silence this.");
            return new ScalarElementwise();
        }
    }
}
