package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class CastTest {

    private static Tensor cast(Tensor x, DType to) {
        return run(node("Cast", 1, "to", to.code()), 13, x);
    }

    @Test
    void floatToIntegersTruncatesTowardZeroAndWraps() {
        Tensor x = Tensor.ofFloats(new float[] {2.9f, -2.9f, 300f, -129f, 0.5f}, 5);
        assertArrayEquals(new long[] {2, -2, 300, -129, 0}, cast(x, DType.INT64).toLongArray());
        assertArrayEquals(new int[] {2, -2, 300, -129, 0}, cast(x, DType.INT32).toIntArray());
        Tensor int8 = cast(x, DType.INT8);
        double[] expected = {2, -2, 44, 127, 0}; // 300 and -129 wrap as a C cast through int does
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], value(int8, i), "element " + i);
        }
        assertEquals(44, value(cast(x, DType.UINT8), 2));
    }

    @Test
    void integersWidenNarrowAndBecomeFloats() {
        Tensor x = Tensor.ofLongs(new long[] {-1, 65_537, (1L << 53) + 1, 0}, 4);
        Tensor u16 = cast(x, DType.UINT16);
        assertEquals(65_535, value(u16, 0));
        assertEquals(1, value(u16, 1));
        Tensor f = cast(x, DType.FLOAT32);
        assertArrayEquals(new float[] {-1, 65_537, (float) ((1L << 53) + 1), 0}, f.toFloatArray());
        Tensor d = cast(x, DType.FLOAT64);
        assertEquals(9.007199254740992E15, value(d, 2)); // 2^53 + 1 rounds to even
        // through INT32: 2^53 + 1 keeps its low 32 bits
        assertArrayEquals(new long[] {-1, 65_537, 1, 0}, cast(cast(x, DType.INT32), DType.INT64).toLongArray());
    }

    @Test
    void boolsAreZeroOrOne() {
        Tensor x = Tensor.ofFloats(new float[] {0f, -0f, 0.1f, Float.NaN, -3f}, 5);
        assertArrayEquals(new boolean[] {false, false, true, true, true}, toBooleans(cast(x, DType.BOOL)));
        Tensor back = cast(bools(new boolean[] {true, false}, 2), DType.FLOAT32);
        assertArrayEquals(new float[] {1, 0}, back.toFloatArray());
        assertArrayEquals(new long[] {1, 0}, cast(bools(new boolean[] {true, false}, 2), DType.INT64).toLongArray());
    }

    @Test
    void halfPrecisionTypes() {
        Tensor x = Tensor.ofFloats(new float[] {1.0009765625f, 65520f, -0.1f, Float.NaN}, 4);
        Tensor h = cast(x, DType.FLOAT16);
        assertEquals(DType.FLOAT16, h.dtype());
        assertEquals(1.0009765625, value(h, 0));
        assertEquals(Double.POSITIVE_INFINITY, value(h, 1)); // beyond float16's range
        assertEquals(-0.0999755859375, value(h, 2));
        assertEquals(Double.NaN, value(h, 3));
        assertArrayEquals(new float[] {1.0009765625f, Float.POSITIVE_INFINITY, -0.0999755859375f, Float.NaN},
                cast(h, DType.FLOAT32).toFloatArray());
    }

    @Test
    void bfloat16TruncatesAsOnnxTestDataExpects() {
        // 0x3EF5EEB0 keeps its top half 0x3EF5 (rounding would give 0x3EF6)
        Tensor x = Tensor.ofFloats(new float[] {Float.intBitsToFloat(0x3EF5EEB0), Float.intBitsToFloat(0x7F800001)}, 2);
        Tensor b = cast(x, DType.BFLOAT16);
        assertEquals((short) 0x3EF5, b.data().getAtIndex(Tensor.I16, 0));
        assertEquals(Double.NaN, value(b, 1)); // a NaN with payload only in the dropped bits stays NaN
        assertEquals(Float.intBitsToFloat(0x3EF50000), cast(b, DType.FLOAT32).getFloat(0));
    }

    @Test
    void unsigned64BitValues() {
        Tensor x = of(DType.UINT64, new double[] {0x1p63, 5}, 2);
        assertEquals(0x1p63, value(cast(x, DType.FLOAT64), 0));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 5}, cast(x, DType.INT64).toLongArray());
    }

    @Test
    void sameTypeCopiesAndCastLikeTakesTheSecondInputsType() {
        Tensor x = randomFloats(4, 3, 1000);
        assertArrayEquals(x.toFloatArray(), cast(x, DType.FLOAT32).toFloatArray());
        Tensor like = run(node("CastLike", 2), 15, Tensor.ofFloats(new float[] {1.5f, -2.5f}, 2), Tensor.scalarLong(0));
        assertArrayEquals(new long[] {1, -2}, like.toLongArray());
    }

    @Test
    void targetTypeErrors() {
        Tensor x = randomFloats(1, 2);
        assertEquals("Cast node 'Cast_node': attribute 'to' (the target type's ONNX code) is required",
                failure(node("Cast", 1), 13, x));
        assertEquals("Cast node 'Cast_node': attribute 'to' = 8 is not a type jquant has; supported: [FLOAT32, UINT8, INT8, "
                + "UINT16, INT16, INT32, INT64, BOOL, FLOAT16, FLOAT64, UINT32, UINT64, BFLOAT16]",
                failure(node("Cast", 1, "to", 8), 13, x));
        assertEquals("Cast node 'Cast_node': cannot cast to INT4; supported: [FLOAT32, UINT8, INT8, "
                + "UINT16, INT16, INT32, INT64, BOOL, FLOAT16, FLOAT64, UINT32, UINT64, BFLOAT16]",
                failure(node("Cast", 1, "to", DType.INT4.code()), 13, x));
    }
}
