package dev.jquant.kernels.gemm;

import dev.jquant.kernels.KernelConfig;

/** Holds the GEMM kernel this JVM uses, chosen once from {@link KernelConfig}. */
public final class GemmKernels {

    private static final GemmKernel CHOSEN = choose();

    private GemmKernels() {
    }

    /** The Vector API kernel at the configured width, or the scalar one when vectors are off or unavailable. */
    public static GemmKernel get() {
        return CHOSEN;
    }

    private static GemmKernel choose() {
        if (!KernelConfig.useVector()) {
            return ScalarGemm.INSTANCE;
        }
        int bits = VectorGemm.widthBits(KernelConfig.maxVectorBits());
        return bits == 0 ? ScalarGemm.INSTANCE : VectorGemm.forBits(bits);
    }
}
