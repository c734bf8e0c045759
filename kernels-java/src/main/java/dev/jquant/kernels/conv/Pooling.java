package dev.jquant.kernels.conv;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Max and average pooling of float32 planes ({@code [planes, input...]} to {@code [planes, output...]}).
 * Pooling reads each input a few times and does one operation per read, so it is bound by memory, not
 * arithmetic; one plain implementation serves. Windows are walked line by line along the last
 * dimension, with the taps that fall into padding cut off arithmetically rather than tested per read.
 */
public final class Pooling {

    private static final ValueLayout.OfFloat F32 = ScalarConv.F32;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** How {@link #max} numbers the input position it reports for each output (ONNX MaxPool's {@code storage_order}). */
    public enum IndexOrder {
        /** Flat index into {@code [planes, input...]}, last dimension fastest. */
        ROW_MAJOR,
        /** Plane offset plus the position with the first spatial dimension fastest. */
        COLUMN_MAJOR
    }

    private Pooling() {
    }

    /**
     * The maximum of each window; taps in padding never count. When {@code indices} is not null it receives,
     * as int64, where each maximum was read (the first such position in window order).
     */
    public static void max(Window w, int planes, MemorySegment input, MemorySegment output, MemorySegment indices,
            IndexOrder order, Parallel parallel) {
        int last = w.rank() - 1;
        int width = w.output(last);
        if (width == 0 || w.outputSize() == 0) {
            return;
        }
        int lines = w.outputSize() / width;
        int outerTaps = w.kernelSize() / w.kernel(last);
        int stride = w.stride(last);
        parallel.forRange(Math.multiplyExact(planes, lines), 16, (start, end) -> {
            for (int unit = start; unit < end; unit++) {
                int plane = unit / lines;
                int line = unit % lines;
                long in = (long) plane * w.inputSize();
                long out = (long) plane * w.outputSize() + (long) line * width;
                for (int o = 0; o < width; o++) {
                    output.setAtIndex(F32, out + o, Float.NEGATIVE_INFINITY);
                    if (indices != null) {
                        indices.setAtIndex(I64, out + o, -1);
                    }
                }
                for (int outer = 0; outer < outerTaps; outer++) {
                    long rowStart = rowStart(w, line, outer);
                    if (rowStart < 0) {
                        continue;
                    }
                    for (int tap = 0; tap < w.kernel(last); tap++) {
                        int offset = tap * w.dilation(last) - w.padBegin(last);
                        int hi = Window.endInside(offset, stride, w.input(last), width);
                        for (int o = Window.firstInside(offset, stride); o < hi; o++) {
                            long at = rowStart + (long) o * stride + offset;
                            float v = input.getAtIndex(F32, in + at);
                            if (v > output.getAtIndex(F32, out + o)) {
                                output.setAtIndex(F32, out + o, v);
                                if (indices != null) {
                                    indices.setAtIndex(I64, out + o, at);
                                }
                            }
                        }
                    }
                }
                if (indices != null) {
                    for (int o = 0; o < width; o++) {
                        long at = indices.getAtIndex(I64, out + o);
                        if (at >= 0) {
                            indices.setAtIndex(I64, out + o, in + (order == IndexOrder.ROW_MAJOR ? at : columnMajor(w, at)));
                        }
                    }
                }
            }
        });
    }

    /**
     * The mean of each window. With {@code countIncludePad} the divisor counts the taps inside the padded
     * extent ({@code [-padBegin, input + padEnd)} per dimension), else only the taps inside the input.
     */
    public static void average(Window w, int planes, boolean countIncludePad, MemorySegment input,
            MemorySegment output, Parallel parallel) {
        int last = w.rank() - 1;
        int width = w.output(last);
        if (width == 0 || w.outputSize() == 0) {
            return;
        }
        int lines = w.outputSize() / width;
        int outerTaps = w.kernelSize() / w.kernel(last);
        int stride = w.stride(last);
        parallel.forRange(Math.multiplyExact(planes, lines), 16, (start, end) -> {
            for (int unit = start; unit < end; unit++) {
                int plane = unit / lines;
                int line = unit % lines;
                long in = (long) plane * w.inputSize();
                long out = (long) plane * w.outputSize() + (long) line * width;
                for (int o = 0; o < width; o++) {
                    output.setAtIndex(F32, out + o, 0f);
                }
                int outerCount = 0;
                for (int outer = 0; outer < outerTaps; outer++) {
                    long rowStart = rowStart(w, line, outer);
                    if (countIncludePad ? insidePadded(w, line, outer) : rowStart >= 0) {
                        outerCount++;
                    }
                    if (rowStart < 0) {
                        continue;
                    }
                    for (int tap = 0; tap < w.kernel(last); tap++) {
                        int offset = tap * w.dilation(last) - w.padBegin(last);
                        int hi = Window.endInside(offset, stride, w.input(last), width);
                        for (int o = Window.firstInside(offset, stride); o < hi; o++) {
                            float v = input.getAtIndex(F32, in + rowStart + (long) o * stride + offset);
                            output.setAtIndex(F32, out + o, output.getAtIndex(F32, out + o) + v);
                        }
                    }
                }
                for (int o = 0; o < width; o++) {
                    int count = outerCount * tapsCounted(w, last, o, countIncludePad);
                    output.setAtIndex(F32, out + o, output.getAtIndex(F32, out + o) / count);
                }
            }
        });
    }

    /** The mean of each plane of {@code size} elements, summed in double. */
    public static void globalAverage(int planes, int size, MemorySegment input, MemorySegment output,
            Parallel parallel) {
        parallel.forRange(planes, 16, (start, end) -> {
            for (int plane = start; plane < end; plane++) {
                double sum = 0;
                long base = (long) plane * size;
                for (int i = 0; i < size; i++) {
                    sum += input.getAtIndex(F32, base + i);
                }
                output.setAtIndex(F32, plane, (float) (sum / size));
            }
        });
    }

    /**
     * Input offset (within a plane) of the start of the input row that output line {@code line} reads at
     * outer taps {@code outer} (all dimensions but the last), or -1 when that row lies in the padding.
     */
    private static long rowStart(Window w, int line, int outer) {
        int last = w.rank() - 1;
        long index = 0;
        long scale = w.input(last);
        for (int d = last - 1; d >= 0; d--) {
            int position = line % w.output(d) * w.stride(d) + outer % w.kernel(d) * w.dilation(d) - w.padBegin(d);
            line /= w.output(d);
            outer /= w.kernel(d);
            if (position < 0 || position >= w.input(d)) {
                return -1;
            }
            index += position * scale;
            scale *= w.input(d);
        }
        return index;
    }

    /** Whether the outer taps {@code outer} of line {@code line} lie inside the padded extent in every outer dimension. */
    private static boolean insidePadded(Window w, int line, int outer) {
        for (int d = w.rank() - 2; d >= 0; d--) {
            int position = line % w.output(d) * w.stride(d) + outer % w.kernel(d) * w.dilation(d);
            line /= w.output(d);
            outer /= w.kernel(d);
            if (position >= w.input(d) + w.padBegin(d) + w.padEnd(d)) {
                return false;
            }
        }
        return true;
    }

    /** Taps of the last dimension counted for output {@code o}: inside the input, or inside the padded extent. */
    private static int tapsCounted(Window w, int d, int o, boolean countIncludePad) {
        int count = 0;
        for (int tap = 0; tap < w.kernel(d); tap++) {
            int position = o * w.stride(d) + tap * w.dilation(d) - w.padBegin(d);
            boolean counted = countIncludePad
                    ? position < w.input(d) + w.padEnd(d)
                    : position >= 0 && position < w.input(d);
            if (counted) {
                count++;
            }
        }
        return count;
    }

    /** Converts a row-major position within a plane to column-major (first dimension fastest). */
    private static long columnMajor(Window w, long rowMajor) {
        long index = 0;
        long rest = rowMajor;
        for (int d = w.rank() - 1; d >= 0; d--) {
            long coordinate = rest % w.input(d);
            rest /= w.input(d);
            long scale = 1;
            for (int e = 0; e < d; e++) {
                scale *= w.input(e);
            }
            index += coordinate * scale;
        }
        return index;
    }
}
