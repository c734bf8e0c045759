package dev.jquant.kernels.qgemm;

import dev.jquant.kernels.KernelConfig;

/**
 * Holds the {@link QuantizedGemm} and {@link ActivationQuantizer} this JVM uses, chosen once from
 * {@link KernelConfig}: the Vector API kernels at the preferred width (capped by
 * {@code jquant.vector.bits}), else the scalar references. A vector implementation that fails to link
 * falls back with one warning.
 */
public final class QuantizedKernels {

    private static final int BITS = chooseBits();
    private static final QuantizedGemm GEMM = BITS == 0 ? ScalarQuantizedGemm.INSTANCE : VectorQuantizedGemm.forBits(BITS);
    private static final ActivationQuantizer QUANTIZER =
            BITS == 0 ? ScalarActivationQuantizer.INSTANCE : VectorActivationQuantizer.forBits(BITS);

    private QuantizedKernels() {
    }

    public static QuantizedGemm gemm() {
        return GEMM;
    }

    public static ActivationQuantizer quantizer() {
        return QUANTIZER;
    }

    /**
     * The vector width in bits for a cap of {@code maxBits} (0: none): the machine's preferred width
     * lowered to the widest of 512, 256 and 128 within the cap, or 0 when none fits. Needs
     * {@code jdk.incubator.vector}.
     */
    public static int widthBits(int maxBits) {
        int preferred = jdk.incubator.vector.IntVector.SPECIES_PREFERRED.vectorBitSize();
        int bits = maxBits > 0 ? Math.min(maxBits, preferred) : preferred;
        return bits >= 512 ? 512 : bits >= 256 ? 256 : bits >= 128 ? 128 : 0;
    }

    private static int chooseBits() {
        if (!KernelConfig.useVector()) {
            return 0;
        }
        try {
            int bits = widthBits(KernelConfig.maxVectorBits());
            // Link both vector classes now, so that a failure falls back here rather than at first use.
            if (bits != 0) {
                VectorQuantizedGemm.forBits(bits);
            }
            return bits;
        } catch (LinkageError e) {
            System.getLogger(QuantizedKernels.class.getName()).log(System.Logger.Level.WARNING,
                    "Vector API quantized kernels failed to load (" + e + "); using the scalar kernels. "
                            + "Run with --add-modules jdk.incubator.vector, or -Djquant.kernels=scalar to silence this.");
            return 0;
        }
    }
}
