package dev.jquant.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.kernels.ChunkedParallel;
import dev.jquant.kernels.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Pooling against a reference in the test that visits every window tap of every output and checks its bounds. */
class PoolingTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;

    @Test
    void maxAndAverageOfASmallPlane() {
        // 1 plane 3x3, 2x2 windows, stride 1, pad 1 at the end of both dimensions.
        Window w = Window.builder(3, 3).output(3, 3).kernel(2, 2).pads(new int[] {0, 0}, new int[] {1, 1}).build();
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        MemorySegment out = Arena.ofAuto().allocate(9 * 4);
        MemorySegment indices = Arena.ofAuto().allocate(9 * 8);
        Pooling.max(w, 1, MemorySegment.ofArray(x), out, indices, Pooling.IndexOrder.ROW_MAJOR, Parallel.SERIAL);
        assertArrayEquals(new float[] {5, 6, 6, 8, 9, 9, 8, 9, 9}, out.toArray(ValueLayout.JAVA_FLOAT));
        assertArrayEquals(new long[] {4, 5, 5, 7, 8, 8, 7, 8, 8}, indices.toArray(ValueLayout.JAVA_LONG));
        Pooling.max(w, 1, MemorySegment.ofArray(x), out, indices, Pooling.IndexOrder.COLUMN_MAJOR, Parallel.SERIAL);
        assertArrayEquals(new long[] {4, 7, 7, 5, 8, 8, 5, 8, 8}, indices.toArray(ValueLayout.JAVA_LONG));
        Pooling.average(w, 1, false, MemorySegment.ofArray(x), out, Parallel.SERIAL);
        assertArrayEquals(new float[] {3, 4, 4.5f, 6, 7, 7.5f, 7.5f, 8.5f, 9}, out.toArray(ValueLayout.JAVA_FLOAT));
        Pooling.average(w, 1, true, MemorySegment.ofArray(x), out, Parallel.SERIAL);
        assertArrayEquals(new float[] {3, 4, 9 / 4f, 6, 7, 15 / 4f, 15 / 4f, 17 / 4f, 9 / 4f},
                out.toArray(ValueLayout.JAVA_FLOAT));
    }

    @Test
    void randomWindowsMatchTheReference() {
        Random random = new Random(7);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + trial % 3;
            int[] input = new int[rank];
            int[] kernel = new int[rank];
            int[] strides = new int[rank];
            int[] dilations = new int[rank];
            int[] padsBegin = new int[rank];
            int[] padsEnd = new int[rank];
            int[] output = new int[rank];
            for (int d = 0; d < rank; d++) {
                input[d] = 1 + random.nextInt(rank == 3 ? 6 : 12);
                kernel[d] = 1 + random.nextInt(3);
                strides[d] = 1 + random.nextInt(3);
                dilations[d] = 1 + random.nextInt(2);
                padsBegin[d] = random.nextInt(kernel[d]);
                padsEnd[d] = random.nextInt(kernel[d]);
                int span = dilations[d] * (kernel[d] - 1) + 1;
                output[d] = Math.max(0, Math.floorDiv(input[d] + padsBegin[d] + padsEnd[d] - span, strides[d]) + 1);
            }
            Window w = Window.builder(input).output(output).kernel(kernel).strides(strides).dilations(dilations)
                    .pads(padsBegin, padsEnd).build();
            int planes = 1 + random.nextInt(3);
            MemorySegment x = Arena.ofAuto().allocate(Math.max(1L, (long) planes * w.inputSize()) * 4);
            for (long i = 0; i < (long) planes * w.inputSize(); i++) {
                x.setAtIndex(F32, i, random.nextInt(20) - 10 + random.nextFloat());
            }
            long outCount = (long) planes * w.outputSize();
            MemorySegment out = Arena.ofAuto().allocate(Math.max(1, outCount) * 4);
            MemorySegment indices = Arena.ofAuto().allocate(Math.max(1, outCount) * 8);
            Parallel parallel = new ChunkedParallel(1 + trial % 4);
            for (Pooling.IndexOrder order : Pooling.IndexOrder.values()) {
                Pooling.max(w, planes, x, out, indices, order, parallel);
                for (long o = 0; o < outCount; o++) {
                    long[] want = referenceMax(w, x, o, order);
                    assertEquals(Float.intBitsToFloat((int) want[0]), out.getAtIndex(F32, o), w + " max at " + o);
                    assertEquals(want[1], indices.getAtIndex(I64, o), w + " " + order + " index at " + o);
                }
            }
            for (boolean includePad : new boolean[] {false, true}) {
                Pooling.average(w, planes, includePad, x, out, parallel);
                for (long o = 0; o < outCount; o++) {
                    float want = referenceAverage(w, x, o, includePad);
                    // A window wholly in padding averages nothing: NaN on both sides.
                    float delta = Float.isNaN(want) ? 0f : Math.abs(want) * 1e-6f;
                    assertEquals(want, out.getAtIndex(F32, o), delta, w + " average at " + o);
                }
            }
        }
    }

    /** Coordinates of flat output {@code o} within its plane, and the plane. */
    private static int[] outputCoordinates(Window w, long o) {
        int[] c = new int[w.rank()];
        long rest = o % w.outputSize();
        for (int d = w.rank() - 1; d >= 0; d--) {
            c[d] = (int) (rest % w.output(d));
            rest /= w.output(d);
        }
        return c;
    }

    private static int[] tapCoordinates(Window w, int t) {
        int[] c = new int[w.rank()];
        for (int d = w.rank() - 1; d >= 0; d--) {
            c[d] = t % w.kernel(d);
            t /= w.kernel(d);
        }
        return c;
    }

    /** {max as float bits, index}. */
    private static long[] referenceMax(Window w, MemorySegment x, long o, Pooling.IndexOrder order) {
        long plane = o / w.outputSize();
        int[] oc = outputCoordinates(w, o);
        float best = Float.NEGATIVE_INFINITY;
        long bestIndex = -1;
        for (int t = 0; t < w.kernelSize(); t++) {
            int[] tc = tapCoordinates(w, t);
            long row = 0;
            long column = 0;
            long columnScale = 1;
            boolean inside = true;
            for (int d = 0; d < w.rank(); d++) {
                int p = oc[d] * w.stride(d) + tc[d] * w.dilation(d) - w.padBegin(d);
                inside &= p >= 0 && p < w.input(d);
                row = row * w.input(d) + p;
                column += p * columnScale;
                columnScale *= w.input(d);
            }
            if (inside) {
                float v = x.getAtIndex(F32, plane * w.inputSize() + row);
                if (v > best) {
                    best = v;
                    bestIndex = plane * w.inputSize() + (order == Pooling.IndexOrder.ROW_MAJOR ? row : column);
                }
            }
        }
        return new long[] {Float.floatToIntBits(best), bestIndex};
    }

    private static float referenceAverage(Window w, MemorySegment x, long o, boolean includePad) {
        long plane = o / w.outputSize();
        int[] oc = outputCoordinates(w, o);
        float sum = 0;
        int count = 0;
        for (int t = 0; t < w.kernelSize(); t++) {
            int[] tc = tapCoordinates(w, t);
            long row = 0;
            boolean inside = true;
            boolean insidePadded = true;
            for (int d = 0; d < w.rank(); d++) {
                int p = oc[d] * w.stride(d) + tc[d] * w.dilation(d) - w.padBegin(d);
                inside &= p >= 0 && p < w.input(d);
                insidePadded &= p < w.input(d) + w.padEnd(d);
                row = row * w.input(d) + p;
            }
            if (inside) {
                sum += x.getAtIndex(F32, plane * w.inputSize() + row);
            }
            if (includePad ? insidePadded : inside) {
                count++;
            }
        }
        return sum / count;
    }
}
