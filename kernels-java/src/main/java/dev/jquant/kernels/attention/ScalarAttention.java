package dev.jquant.kernels.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** The reference {@link AttentionKernel}: the definitions as loops, one fused multiply-add at a time. */
public final class ScalarAttention implements AttentionKernel {

    public static final ScalarAttention INSTANCE = new ScalarAttention();

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ScalarAttention() {
    }

    @Override
    public int scoreStride(int keys) {
        return keys;
    }

    @Override
    public void scores(MemorySegment q, long qOffset, int ldq, MemorySegment k, long kOffset, int ldk, int queries,
            int keys, int headSize, float scale, MemorySegment s, long sOffset, int lds) {
        for (int i = 0; i < queries; i++) {
            for (int j = 0; j < keys; j++) {
                float acc = 0f;
                for (int c = 0; c < headSize; c++) {
                    acc = Math.fma(q.getAtIndex(F32, qOffset + (long) i * ldq + c),
                            k.getAtIndex(F32, kOffset + (long) j * ldk + c), acc);
                }
                s.setAtIndex(F32, sOffset + (long) i * lds + j, acc * scale);
            }
        }
    }

    @Override
    public void mix(MemorySegment p, long pOffset, int ldp, MemorySegment v, long vOffset, int ldv, int queries,
            int keys, int valueSize, MemorySegment y, long yOffset, int ldy) {
        for (int i = 0; i < queries; i++) {
            for (int e = 0; e < valueSize; e++) {
                float acc = 0f;
                for (int j = 0; j < keys; j++) {
                    acc = Math.fma(p.getAtIndex(F32, pOffset + (long) i * ldp + j),
                            v.getAtIndex(F32, vOffset + (long) j * ldv + e), acc);
                }
                y.setAtIndex(F32, yOffset + (long) i * ldy + e, acc);
            }
        }
    }

    @Override
    public String name() {
        return "scalar";
    }
}
