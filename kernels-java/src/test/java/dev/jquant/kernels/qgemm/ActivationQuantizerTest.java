package dev.jquant.kernels.qgemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dynamic and static activation quantization: the vector quantizer writes exactly the scalar
 * reference's bytes and parameters at every width (widths the machine lacks run in software), the
 * uint8 scheme matches ONNX DynamicQuantizeLinear, and dequantizing loses at most half a step.
 */
class ActivationQuantizerTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void vectorMatchesTheReferenceExactly(int bits) {
        VectorActivationQuantizer vector = VectorActivationQuantizer.forBits(bits);
        int lanes = bits / 32;
        long seed = 10;
        for (int columns : new int[] {0, 1, lanes - 1, lanes, lanes + 1, 2 * lanes + 3, 33, 384}) {
            for (int rows : new int[] {1, 3}) {
                for (boolean signed : new boolean[] {false, true}) {
                    for (boolean perRow : new boolean[] {false, true}) {
                        check(vector, rows, columns, signed, perRow, seed++);
                    }
                }
            }
        }
    }

    @Test
    void uint8FollowsOnnxDynamicQuantizeLinear() {
        // The example of the ONNX operator documentation.
        float[] x = {0f, 2f, -3f, -2.5f, 1.34f, 0.5f};
        for (ActivationQuantizer quantizer : quantizers()) {
            byte[] q = new byte[x.length];
            float[] scale = new float[1];
            int[] zero = new int[1];
            quantizer.quantizeDynamic(MemorySegment.ofArray(x), x.length, 1, x.length, false, false,
                    MemorySegment.ofArray(q), x.length, scale, zero);
            assertEquals(5f / 255f, scale[0], quantizer.name());
            assertEquals(153, zero[0], quantizer.name());
            assertArrayEquals(new byte[] {(byte) 153, (byte) 255, 0, 26, (byte) 221, (byte) 179}, q, quantizer.name());
        }
    }

    @Test
    void staticQuantizationRoundsHalfToEvenSaturatesAndMapsNaNToZero() {
        // Beyond 2^22 the vector kernels skip the reference's clamp and must still saturate alike.
        float[] x = {2.5f, 3.5f, -2.5f, 1e30f, -1e30f, 5e6f, Float.NaN, 0.49f,
            -5e6f, 1.3e7f, -1.3e7f, 4194304.5f, -4194305f, 255.5f, -0f, 3e38f};
        for (ActivationQuantizer quantizer : quantizers()) {
            byte[] u = new byte[x.length];
            quantizer.quantize(MemorySegment.ofArray(x), 0, x.length, 1f, 10, false, MemorySegment.ofArray(u), 0);
            assertArrayEquals(new byte[] {12, 14, 8, (byte) 255, 0, (byte) 255, 0, 10,
                0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 10, (byte) 255}, u, quantizer.name());
            byte[] s = new byte[x.length];
            quantizer.quantize(MemorySegment.ofArray(x), 0, x.length, 0.5f, -3, true, MemorySegment.ofArray(s), 0);
            assertArrayEquals(new byte[] {2, 4, -8, 127, -128, 127, 0, -2,
                -128, 127, -128, 127, -128, 127, -3, 127}, s, quantizer.name());
        }
    }

    @Test
    void allZeroRowsGetScaleOne() {
        for (ActivationQuantizer quantizer : quantizers()) {
            for (boolean signed : new boolean[] {false, true}) {
                byte[] q = {9, 9, 9};
                float[] scale = new float[1];
                int[] zero = {5};
                quantizer.quantizeDynamic(MemorySegment.ofArray(new float[3]), 3, 1, 3, signed, true,
                        MemorySegment.ofArray(q), 3, scale, zero);
                assertEquals(1f, scale[0]);
                assertEquals(0, zero[0]);
                assertArrayEquals(new byte[3], q);
            }
        }
    }

    @Test
    void dequantizingLosesAtMostHalfAStep() {
        Random random = new Random(5);
        int rows = 4;
        int columns = 301;
        float[] x = new float[rows * columns];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * (1 + i / columns)) + (i / columns == 3 ? 7f : 0f);
        }
        for (ActivationQuantizer quantizer : quantizers()) {
            for (boolean signed : new boolean[] {false, true}) {
                for (boolean perRow : new boolean[] {false, true}) {
                    byte[] q = new byte[x.length];
                    float[] scales = new float[rows];
                    int[] zeros = new int[rows];
                    quantizer.quantizeDynamic(MemorySegment.ofArray(x), columns, rows, columns, signed, perRow,
                            MemorySegment.ofArray(q), columns, scales, zeros);
                    for (int i = 0; i < x.length; i++) {
                        int p = perRow ? i / columns : 0;
                        int v = signed ? q[i] : q[i] & 0xFF;
                        float back = (v - zeros[p]) * scales[p];
                        // Half a step, plus float rounding of x / scale and of the step itself.
                        double bound = scales[p] * (0.5 + 1e-5) + Math.abs(x[i]) * 1e-6;
                        assertTrue(Math.abs(back - x[i]) <= bound, quantizer.name() + " signed=" + signed + " perRow="
                                + perRow + " x[" + i + "]=" + x[i] + " came back as " + back + " (bound " + bound + ")");
                    }
                }
            }
        }
    }

    private static ActivationQuantizer[] quantizers() {
        return new ActivationQuantizer[] {ScalarActivationQuantizer.INSTANCE, QuantizedKernels.quantizer(),
                VectorActivationQuantizer.forBits(128), VectorActivationQuantizer.forBits(256)};
    }

    private static void check(ActivationQuantizer vector, int rows, int columns, boolean signed, boolean perRow,
            long seed) {
        Random random = new Random(seed);
        int xStride = columns + 3;
        int qStride = columns + 5;
        MemorySegment x = Arena.ofAuto().allocate(Math.max(1, (long) rows * xStride) * Float.BYTES);
        float spread = random.nextFloat() * 10;
        float shift = random.nextBoolean() ? spread * random.nextFloat() : 0f;
        for (long i = 0; i < x.byteSize() / Float.BYTES; i++) {
            x.setAtIndex(F32, i, (random.nextFloat() * 2 - 1) * spread + shift);
        }
        MemorySegment expected = Arena.ofAuto().allocate((long) rows * qStride);
        MemorySegment actual = Arena.ofAuto().allocate((long) rows * qStride);
        expected.fill((byte) 0x55);
        actual.fill((byte) 0x55);
        float[] expectedScales = new float[rows];
        float[] actualScales = new float[rows];
        int[] expectedZeros = new int[rows];
        int[] actualZeros = new int[rows];
        ScalarActivationQuantizer.INSTANCE.quantizeDynamic(x, xStride, rows, columns, signed, perRow, expected, qStride,
                expectedScales, expectedZeros);
        vector.quantizeDynamic(x, xStride, rows, columns, signed, perRow, actual, qStride, actualScales, actualZeros);
        String what = vector.name() + " " + rows + "×" + columns + " signed=" + signed + " perRow=" + perRow;
        assertArrayEquals(expectedScales, actualScales, what);
        assertArrayEquals(expectedZeros, actualZeros, what);
        assertArrayEquals(expected.toArray(ValueLayout.JAVA_BYTE), actual.toArray(ValueLayout.JAVA_BYTE), what);
    }
}
