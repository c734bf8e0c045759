package dev.jquant.kernels.elementwise;

import dev.jquant.kernels.KernelConfig;

/**
 * Chooses the {@link FloatElementwise} implementation once per JVM, as {@link KernelConfig} says:
 * the Vector API kernels when {@code jdk.incubator.vector} is loaded and not switched off, else the
 * scalar reference. A vector implementation that fails to link falls back with one warning.
 */
public final class ElementwiseKernels {

    /**
     * Operators over tensors with fewer elements than this take the scalar kernels even where vectors are
     * on. Such an operator runs a few vector iterations per inference, too few for C2 to compile its loop
     * in hundreds of inferences; until then the Vector API allocates every vector it makes (a MiniLM
     * pooler's Tanh: 200 KB per run after 300 runs), while scalar code is as fast at this size.
     */
    public static final long SMALL_TENSOR = 512;

    private static final FloatElementwise FLOATS = choose();
    private static final FloatElementwise SCALAR = new ScalarElementwise();

    private ElementwiseKernels() {
    }

    /** The float32 kernels this JVM uses. */
    public static FloatElementwise floats() {
        return FLOATS;
    }

    /** The float32 kernels for an operator over a tensor of {@code elements} elements (see {@link #SMALL_TENSOR}). */
    public static FloatElementwise floatsFor(long elements) {
        return elements < SMALL_TENSOR ? SCALAR : FLOATS;
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
