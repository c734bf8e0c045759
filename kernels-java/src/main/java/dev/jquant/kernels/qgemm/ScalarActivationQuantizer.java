package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The reference {@link ActivationQuantizer}: plain loops over {@link Quantization}'s formulas. */
public final class ScalarActivationQuantizer implements ActivationQuantizer {

    public static final ScalarActivationQuantizer INSTANCE = new ScalarActivationQuantizer();

    private ScalarActivationQuantizer() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void quantizeDynamic(MemorySegment x, int xRowStride, int rows, int columns, boolean signed, boolean perRow,
            MemorySegment q, int qRowStride, float[] scales, int[] zeroPoints) {
        QuantizerArguments.check(x, xRowStride, rows, columns, perRow, q, qRowStride, scales, zeroPoints);
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (int r = 0; r < rows; r++) {
            if (perRow) {
                lo = Float.POSITIVE_INFINITY;
                hi = Float.NEGATIVE_INFINITY;
            }
            for (int c = 0; c < columns; c++) {
                float v = x.getAtIndex(ScalarQuantizedGemm.F32, (long) r * xRowStride + c);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            if (perRow) {
                scales[r] = Quantization.dynamicScale(lo, hi, signed);
                zeroPoints[r] = Quantization.dynamicZeroPoint(lo, scales[r], signed);
            }
        }
        if (!perRow) {
            scales[0] = Quantization.dynamicScale(lo, hi, signed);
            zeroPoints[0] = Quantization.dynamicZeroPoint(lo, scales[0], signed);
        }
        for (int r = 0; r < rows; r++) {
            int p = perRow ? r : 0;
            quantize(x, (long) r * xRowStride, columns, scales[p], zeroPoints[p], signed, q, (long) r * qRowStride);
        }
    }

    @Override
    public void quantize(MemorySegment x, long xIndex, int count, float scale, int zeroPoint, boolean signed,
            MemorySegment q, long qOffset) {
        for (int i = 0; i < count; i++) {
            float v = x.getAtIndex(ScalarQuantizedGemm.F32, xIndex + i);
            q.set(ValueLayout.JAVA_BYTE, qOffset + i, (byte) Quantization.quantize(v, scale, zeroPoint, signed));
        }
    }
}
