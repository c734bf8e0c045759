package dev.jquant.kernels.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jquant.kernels.ChunkedParallel;
import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.gemm.ScalarGemm;
import dev.jquant.kernels.gemm.VectorGemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * im2col/col2im convolutions on the vector GEMM (every width) and on the scalar GEMM, against the direct
 * reference, over 1-D, 2-D and 3-D windows with groups, depthwise, pads, strides, dilations, bias and
 * several passes. Tolerance: an output sums {@code depth = inChannels/groups · taps} products, so it may
 * differ by {@code 2(depth+1)·2⁻²⁴·(Σ|x·w| + |bias|)}, the magnitude computed by the reference on |x|, |w|.
 */
class GemmConvTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One convolution; spatial arrays have one entry per dimension. */
    private record Case(int batch, int in, int out, int groups, int[] size, int[] kernel, int[] strides,
            int[] dilations, int[] padsBegin, int[] padsEnd, boolean bias) {
    }

    private static final Case[] CASES = {
        new Case(1, 1, 1, 1, new int[] {1}, new int[] {1}, new int[] {1}, new int[] {1}, new int[] {0}, new int[] {0}, false),
        new Case(2, 3, 4, 1, new int[] {11}, new int[] {3}, new int[] {1}, new int[] {1}, new int[] {1}, new int[] {1}, true),
        new Case(1, 4, 6, 2, new int[] {17}, new int[] {4}, new int[] {3}, new int[] {2}, new int[] {2}, new int[] {0}, true),
        new Case(1, 3, 5, 1, new int[] {7, 9}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, true),
        new Case(2, 4, 8, 1, new int[] {6, 5}, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {0, 0}, true),
        new Case(1, 6, 6, 6, new int[] {9, 10}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1},
                new int[] {1, 0}, new int[] {2, 1}, true),
        new Case(1, 4, 8, 4, new int[] {8, 8}, new int[] {3, 2}, new int[] {1, 2}, new int[] {2, 1},
                new int[] {2, 0}, new int[] {0, 1}, false),
        new Case(3, 5, 7, 1, new int[] {13, 6}, new int[] {5, 2}, new int[] {2, 1}, new int[] {1, 3},
                new int[] {0, 3}, new int[] {4, 0}, true),
        new Case(1, 2, 4, 2, new int[] {4, 5, 6}, new int[] {2, 3, 2}, new int[] {1, 2, 1}, new int[] {2, 1, 1},
                new int[] {1, 1, 0}, new int[] {0, 1, 1}, true),
        new Case(1, 2, 3, 1, new int[] {3, 3}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {0, 0}, true),
        new Case(1, 3, 2, 1, new int[] {2, 2}, new int[] {1, 1}, new int[] {3, 3}, new int[] {1, 1},
                new int[] {2, 2}, new int[] {2, 2}, true),
        // Depthwise with columns larger than one pass: several GEMM calls.
        new Case(1, 64, 64, 64, new int[] {64, 64}, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {1, 1}, true),
    };

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {0, 128, 256, 512})
    void forwardMatchesTheReference(int bits) {
        ConvKernel kernel = new GemmConv(bits == 0 ? ScalarGemm.INSTANCE : VectorGemm.forBits(bits));
        long seed = 1;
        for (Case c : CASES) {
            for (Parallel parallel : new Parallel[] {Parallel.SERIAL, new ChunkedParallel(3)}) {
                check(kernel, c, false, parallel, seed++);
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {0, 128, 256, 512})
    void transposedMatchesTheReference(int bits) {
        ConvKernel kernel = new GemmConv(bits == 0 ? ScalarGemm.INSTANCE : VectorGemm.forBits(bits));
        long seed = 1000;
        for (Case c : CASES) {
            for (Parallel parallel : new Parallel[] {Parallel.SERIAL, new ChunkedParallel(3)}) {
                check(kernel, c, true, parallel, seed++);
            }
        }
    }

    @Test
    void referenceComputesKnownValues() {
        // 1-D, one channel: x = [1 2 3 4], w = [1 10], pad 1 both sides, bias 0.5.
        Window w = Window.builder(4).output(5).kernel(2).pads(new int[] {1}, new int[] {1}).build();
        float[] y = run(ScalarConv.INSTANCE.forward(new ConvGeometry(1, 1, 1, 1, w)),
                new float[] {1, 2, 3, 4}, new float[] {1, 10}, new float[] {0.5f}, 5);
        assertArrayEquals(new float[] {10.5f, 21.5f, 32.5f, 43.5f, 4.5f}, y);
        // Transposed, stride 2: y[2i + t] += x[i]·w[t].
        Window t = Window.builder(3).output(7).kernel(3).strides(2).build();
        y = run(ScalarConv.INSTANCE.transposed(new ConvGeometry(1, 1, 1, 1, t)),
                new float[] {1, 2, 3}, new float[] {1, 10, 100}, null, 7);
        assertArrayEquals(new float[] {1, 10, 102, 20, 203, 30, 300}, y);
    }

    @Test
    void geometryRejectsGroupsThatDoNotDivideTheChannels() {
        Window w = Window.builder(4).output(4).kernel(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 6, 4, 4, w));
        assertEquals("groups (4) must be >= 1 and divide both inChannels (6) and outChannels (4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Window.builder(4, 4).output(4, 4).kernel(1).build());
        assertEquals("kernel must have 2 values (one per spatial dimension), was [1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Window.builder(4).output(4).kernel(1).strides(0).build());
        assertEquals("strides must be >= 1, was [0]", e.getMessage());
    }

    private static float[] run(Convolution conv, float[] x, float[] w, float[] bias, int outSize) {
        MemorySegment y = Arena.ofAuto().allocate((long) outSize * Float.BYTES);
        MemorySegment scratch = Arena.ofAuto().allocate(Math.max(1, conv.scratchBytes()), 64);
        conv.run(MemorySegment.ofArray(x), MemorySegment.ofArray(w), bias == null ? null : MemorySegment.ofArray(bias),
                y, scratch, Parallel.SERIAL);
        return y.toArray(ValueLayout.JAVA_FLOAT);
    }

    private static void check(ConvKernel kernel, Case c, boolean transposed, Parallel parallel, long seed) {
        int rank = c.size.length;
        int[] output = new int[rank];
        for (int d = 0; d < rank; d++) {
            int span = c.dilations[d] * (c.kernel[d] - 1) + 1;
            output[d] = transposed
                    ? (c.size[d] - 1) * c.strides[d] + span - c.padsBegin[d] - c.padsEnd[d] + d % 2
                    : (c.size[d] + c.padsBegin[d] + c.padsEnd[d] - span) / c.strides[d] + 1;
        }
        Window w = Window.builder(c.size).output(output).kernel(c.kernel).strides(c.strides).dilations(c.dilations)
                .pads(c.padsBegin, c.padsEnd).build();
        ConvGeometry g = new ConvGeometry(c.batch, c.in, c.out, c.groups, w);
        int weightChannels = transposed ? c.out / c.groups : c.in / c.groups;
        int weightCount = (transposed ? c.in : c.out) * weightChannels * w.kernelSize();
        Random random = new Random(seed);
        MemorySegment x = random((long) c.batch * c.in * w.inputSize(), random);
        MemorySegment k = random(weightCount, random);
        MemorySegment b = c.bias ? random(c.out, random) : null;
        long outCount = (long) c.batch * c.out * w.outputSize();
        Convolution reference = transposed ? ScalarConv.INSTANCE.transposed(g) : ScalarConv.INSTANCE.forward(g);
        Convolution tested = transposed ? kernel.transposed(g) : kernel.forward(g);
        MemorySegment expected = filled(outCount, Float.NaN);
        MemorySegment magnitude = filled(outCount, Float.NaN);
        MemorySegment actual = filled(outCount, Float.NaN);
        reference.run(x, k, b, expected, null, Parallel.SERIAL);
        reference.run(abs(x), abs(k), b == null ? null : abs(b), magnitude, null, Parallel.SERIAL);
        MemorySegment scratch = filled(tested.scratchBytes() / Float.BYTES, Float.NaN);
        tested.run(x, k, b, actual, scratch, parallel);
        int depth = (transposed ? c.in : c.in / c.groups) * w.kernelSize();
        for (long i = 0; i < outCount; i++) {
            float want = expected.getAtIndex(F32, i);
            float got = actual.getAtIndex(F32, i);
            double tolerance = 2.0 * (depth + 1) * 0x1p-24 * magnitude.getAtIndex(F32, i) + 1e-30;
            if (!(Math.abs(want - got) <= tolerance)) {
                fail(kernel.name() + (transposed ? " transposed " : " forward ") + g + " threads=" + parallel.threads()
                        + ": output[" + i + "] = " + got + ", reference " + want + " (tolerance " + tolerance + ")");
            }
        }
    }

    private static MemorySegment random(long count, Random random) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, count) * Float.BYTES, 64).asSlice(0, count * Float.BYTES);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(F32, i, random.nextFloat() * 2 - 1);
        }
        return s;
    }

    private static MemorySegment filled(long count, float value) {
        MemorySegment s = Arena.ofAuto().allocate(Math.max(1, count) * Float.BYTES, 64).asSlice(0, count * Float.BYTES);
        for (long i = 0; i < count; i++) {
            s.setAtIndex(F32, i, value);
        }
        return s;
    }

    private static MemorySegment abs(MemorySegment s) {
        MemorySegment a = Arena.ofAuto().allocate(Math.max(1, s.byteSize()), 64).asSlice(0, s.byteSize());
        for (long i = 0; i < s.byteSize() / Float.BYTES; i++) {
            a.setAtIndex(F32, i, Math.abs(s.getAtIndex(F32, i)));
        }
        return a;
    }
}
