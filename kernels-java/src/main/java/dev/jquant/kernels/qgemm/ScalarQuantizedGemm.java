package dev.jquant.kernels.qgemm;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The reference quantized GEMM: one int32 dot product {@code Σ_k (a − zeroPoint)·w} per element,
 * then the epilogue {@link GemmOutput} states, in plain loops. It is the ground truth of the vector
 * kernel and the fallback when the Vector API is absent. Rows are spread over the threads.
 */
public final class ScalarQuantizedGemm implements QuantizedGemm {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static final ScalarQuantizedGemm INSTANCE = new ScalarQuantizedGemm();

    /** Per thread: one row of float results and the scratch GELU needs. */
    private final ThreadLocal<float[][]> rows = ThreadLocal.withInitial(() -> new float[2][0]);

    private ScalarQuantizedGemm() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void multiply(QuantizedActivations a, PackedInt8Weights w, GemmOutput out, Parallel parallel) {
        GemmArguments.check(a, w.k(), w.n(), out);
        int n = w.n();
        parallel.forRange(a.rows(), 4, (start, end) -> {
            float[][] buf = rowBuffers(n);
            for (int m = start; m < end; m++) {
                int zero = a.zeroPoint(m);
                for (int j = 0; j < n; j++) {
                    int acc = 0;
                    for (int k = 0; k < w.k(); k++) {
                        acc += (a.value(m, k) - zero) * w.weight(k, j);
                    }
                    if (out instanceof GemmOutput.Int32 c) {
                        c.data().setAtIndex(I32, (long) m * c.rowStride() + j, acc);
                    } else {
                        buf[0][j] = Math.fma(acc * w.scale(j), a.scale(m), bias(out, j));
                    }
                }
                if (!(out instanceof GemmOutput.Int32)) {
                    finishRow(out, m, n, buf);
                }
            }
        });
    }

    @Override
    public void multiply(QuantizedActivations a, PackedInt4Weights w, GemmOutput out, Parallel parallel) {
        GemmArguments.check(a, w.k(), w.n(), out);
        if (out instanceof GemmOutput.Int32) {
            throw new IllegalArgumentException("int4 weights have a scale per group; ask for Float32 or Requantized output");
        }
        int n = w.n();
        int g = w.groupSize();
        parallel.forRange(a.rows(), 4, (start, end) -> {
            float[][] buf = rowBuffers(n);
            for (int m = start; m < end; m++) {
                int zero = a.zeroPoint(m);
                for (int j = 0; j < n; j++) {
                    float sum = 0f;
                    for (int k0 = 0; k0 < w.k(); k0 += g) {
                        int acc = 0;
                        for (int k = k0; k < Math.min(k0 + g, w.k()); k++) {
                            acc += (a.value(m, k) - zero) * w.weight(k, j);
                        }
                        sum = Math.fma((float) acc, w.scale(k0 / g, j), sum);
                    }
                    buf[0][j] = Math.fma(sum, a.scale(m), bias(out, j));
                }
                finishRow(out, m, n, buf);
            }
        });
    }

    private float[][] rowBuffers(int n) {
        float[][] buf = rows.get();
        if (buf[0].length < n) {
            buf[0] = new float[n];
            buf[1] = new float[n];
        }
        return buf;
    }

    private static float bias(GemmOutput out, int j) {
        float[] bias = out instanceof GemmOutput.Float32 f ? f.bias() : ((GemmOutput.Requantized) out).bias();
        return bias == null ? 0f : bias[j];
    }

    /** Applies the activation to row {@code m}'s results in {@code buf[0]} and stores them as {@code out} says. */
    private static void finishRow(GemmOutput out, int m, int n, float[][] buf) {
        float[] v = buf[0];
        Activation activation = out instanceof GemmOutput.Float32 f ? f.activation()
                : ((GemmOutput.Requantized) out).activation();
        switch (activation) {
            case NONE -> { }
            case RELU -> {
                for (int j = 0; j < n; j++) {
                    v[j] = Math.max(v[j], 0f);
                }
            }
            case GELU -> Gelu.apply(MemorySegment.ofArray(v), 0, n, MemorySegment.ofArray(buf[1]));
        }
        long row = (long) m * out.rowStride();
        if (out instanceof GemmOutput.Requantized r) {
            for (int j = 0; j < n; j++) {
                r.data().set(ValueLayout.JAVA_BYTE, row + j,
                        (byte) Quantization.quantize(v[j], r.scale(), r.zeroPoint(), r.signed()));
            }
        } else {
            for (int j = 0; j < n; j++) {
                out.data().setAtIndex(F32, row + j, v[j]);
            }
        }
    }
}
