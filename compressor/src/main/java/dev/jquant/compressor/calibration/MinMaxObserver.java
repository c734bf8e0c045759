package dev.jquant.compressor.calibration;

import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;

/** Min-max calibration: the range is exactly the extremes seen, so nothing is clipped and one outlier sets the step. */
public final class MinMaxObserver implements RangeObserver {
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    @Override
    public void observe(MemorySegment floats, long count) {
        float lo = min;
        float hi = max;
        for (long i = 0; i < count; i++) {
            float v = floats.getAtIndex(Tensor.F32, i);
            if (Float.isFinite(v)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        min = lo;
        max = hi;
    }

    @Override
    public Range observed() {
        if (min > max) {
            throw new IllegalStateException("no finite values observed");
        }
        return new Range(min, max);
    }

    @Override
    public Range range() {
        return observed();
    }
}
