package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * Where and how a quantized GEMM writes {@code C[M×N]}: element {@code (m, n)} at index
 * {@code m·rowStride + n} of {@code data} (little-endian), the elements between rows untouched.
 *
 * <p>The float forms compute {@code v = fma(acc·wScale[n], aScale[m], bias[n])} from the exact int32
 * accumulator (int4 weights: {@code sum = fma(acc_g, wScale[g][n], sum)} over the groups, then
 * {@code v = fma(sum, aScale[m], bias[n])}), then the activation.
 */
public sealed interface GemmOutput {

    MemorySegment data();

    /** Elements (not bytes) from one row of C to the next. */
    int rowStride();

    /** Bytes per element of C. */
    int elementBytes();

    /** The exact accumulators {@code Σ_k (a[m][k] − zeroPoint[m])·w[k][n]} as int32 (int8 weights only). */
    record Int32(MemorySegment data, int rowStride) implements GemmOutput {
        @Override
        public int elementBytes() {
            return Integer.BYTES;
        }
    }

    /** float32 results; {@code bias} ({@code N} values) may be null for none. */
    record Float32(MemorySegment data, int rowStride, float[] bias, Activation activation) implements GemmOutput {
        public Float32 {
            if (activation == null) {
                throw new IllegalArgumentException("activation must not be null; use Activation.NONE");
            }
        }

        @Override
        public int elementBytes() {
            return Float.BYTES;
        }
    }

    /**
     * The float results requantized for a static consumer, as ONNX QuantizeLinear does:
     * {@code saturate(rint(v / scale) + zeroPoint)} to uint8, or int8 when {@code signed}.
     */
    record Requantized(MemorySegment data, int rowStride, float[] bias, Activation activation, float scale,
            int zeroPoint, boolean signed) implements GemmOutput {
        public Requantized {
            if (activation == null) {
                throw new IllegalArgumentException("activation must not be null; use Activation.NONE");
            }
            if (!(scale > 0) || !Float.isFinite(scale)) {
                throw new IllegalArgumentException("output scale must be positive and finite, was " + scale);
            }
            int low = signed ? -128 : 0;
            if (zeroPoint < low || zeroPoint > low + 255) {
                throw new IllegalArgumentException("output zero point " + zeroPoint + " is outside [" + low + ", "
                        + (low + 255) + "]");
            }
        }

        @Override
        public int elementBytes() {
            return 1;
        }
    }
}
