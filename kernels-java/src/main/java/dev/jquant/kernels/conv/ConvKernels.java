package dev.jquant.kernels.conv;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.kernels.gemm.GemmKernels;

/** Holds the convolution kernel this JVM uses, chosen once from {@link KernelConfig}. */
public final class ConvKernels {

    private static final ConvKernel CHOSEN = KernelConfig.useVector()
            ? new GemmConv(GemmKernels.get())
            : ScalarConv.INSTANCE;

    private ConvKernels() {
    }

    /** im2col on the configured GEMM when vector kernels are on, else the scalar reference. */
    public static ConvKernel get() {
        return CHOSEN;
    }
}
