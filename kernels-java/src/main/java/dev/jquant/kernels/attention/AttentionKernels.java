package dev.jquant.kernels.attention;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.gemm.VectorGemm;

/** Holds the attention kernel this JVM uses: vectors as wide as the GEMM's, or the scalar reference. */
public final class AttentionKernels {

    private static final AttentionKernel CHOSEN = choose();

    private AttentionKernels() {
    }

    public static AttentionKernel get() {
        return CHOSEN;
    }

    private static AttentionKernel choose() {
        if (!KernelConfig.useVector()) {
            return ScalarAttention.INSTANCE;
        }
        int bits = VectorGemm.widthBits(KernelConfig.maxVectorBits());
        return bits == 0 ? ScalarAttention.INSTANCE : VectorAttention.forBits(bits);
    }
}
