package dev.jquant.compressor.calibration;

import java.lang.foreign.MemorySegment;

/**
 * Watches the values one tensor takes over a calibration run and then chooses the range to quantize it
 * over. Observers keep a summary of fixed size (extremes, or a histogram), never the values, so a run
 * over any number of samples needs the same memory. Not thread-safe.
 */
public interface RangeObserver {

    /** Takes in {@code count} little-endian float32 values from the start of {@code floats}. */
    void observe(MemorySegment floats, long count);

    /**
     * The smallest and largest finite values observed.
     *
     * @throws IllegalStateException when no finite value has been observed
     */
    Range observed();

    /**
     * The clipping range this observer's method chooses, no wider than the data: asymmetric observers return
     * a range inside {@link #observed()}, symmetric ones {@code [-t, t]} with {@code t} at most the largest
     * magnitude. Values outside it saturate when quantized.
     *
     * @throws IllegalStateException when no finite value has been observed
     */
    Range range();
}
