package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

/** Expected values are numpy.pad's on x = arange(12).reshape(3, 4). */
class PadTest {

    private static final Tensor X = iota(3, 4);

    private static Tensor pad(String mode, long... pads) {
        return run(node("Pad", 2, 1, "mode", mode), 13, X, longs(pads))[0];
    }

    @Test
    void constantFromTheValueInput() {
        Tensor out = run(node("Pad", 3, 1), 13, X, longs(0, 1, 1, 2), Tensor.ofFloats(new float[] {9.5f}))[0];
        assertArrayEquals(new long[] {4, 7}, out.shape());
        assertArrayEquals(new float[] {9.5f, 0, 1, 2, 3, 9.5f, 9.5f, 9.5f, 4, 5, 6, 7, 9.5f, 9.5f, 9.5f, 8, 9, 10, 11,
            9.5f, 9.5f, 9.5f, 9.5f, 9.5f, 9.5f, 9.5f, 9.5f, 9.5f}, out.toFloatArray());
    }

    @Test
    void reflectMirrorsWithoutTheEdge() {
        Tensor out = pad("reflect", 1, 2, 1, 3);
        assertArrayEquals(new long[] {5, 9}, out.shape());
        assertArrayEquals(new float[] {6, 5, 4, 5, 6, 7, 6, 5, 4, 2, 1, 0, 1, 2, 3, 2, 1, 0, 6, 5, 4, 5, 6, 7, 6, 5, 4,
            10, 9, 8, 9, 10, 11, 10, 9, 8, 6, 5, 4, 5, 6, 7, 6, 5, 4}, out.toFloatArray());
    }

    @Test
    void edgeRepeatsTheBorder() {
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 3, 3, 0, 0, 1, 2, 3, 3, 3, 0, 0, 1, 2, 3, 3, 3, 4, 4, 5, 6, 7, 7, 7,
            8, 8, 9, 10, 11, 11, 11}, pad("edge", 2, 1, 0, 2).toFloatArray());
    }

    @Test
    void wrapIsPeriodicEvenPastOnePeriod() {
        assertArrayEquals(new float[] {11, 8, 9, 10, 11, 8, 9, 10, 11, 8, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 7, 4, 5, 6, 7, 4,
            5, 6, 7, 4, 11, 8, 9, 10, 11, 8, 9, 10, 11, 8}, run(node("Pad", 2, 1, "mode", "wrap"), 19, X,
                longs(1, 5, 0, 1))[0].toFloatArray());
    }

    @Test
    void negativePadsCropAndZeroIsTheDefaultValue() {
        Tensor out = pad("constant", 0, -1, 1, 0);
        assertArrayEquals(new long[] {4, 3}, out.shape());
        assertArrayEquals(new float[] {1, 2, 3, 5, 6, 7, 9, 10, 11, 0, 0, 0}, out.toFloatArray());
    }

    @Test
    void axesInputFromOpset18() {
        Tensor out = run(node("Pad", 4, 1), 18, Tensor.ofLongs(new long[] {1, 2}, 1, 2), longs(1, 0),
                Tensor.scalarLong(-1), longs(-1))[0];
        assertArrayEquals(new long[] {-1, 1, 2}, out.toLongArray());
    }

    @Test
    void attributesBeforeOpset11ConvertTheValueToTheType() {
        Tensor in = Tensor.ofInts(new int[] {1, 2}, 2);
        Tensor out = run(node("Pad", 1, 1, "pads", new long[] {1, 2}, "value", 7.9f), 2, in)[0];
        assertArrayEquals(new int[] {7, 1, 2, 7, 7}, out.toIntArray());
        Tensor half = Tensor.allocate(DType.FLOAT16, 1);
        Tensor padded = run(node("Pad", 1, 1, "pads", new long[] {1, 0}, "value", 1.5f), 2, half)[0];
        assertTrue(Float.float16ToFloat(padded.data().get(Tensor.I16, 0)) == 1.5f);
    }

    @Test
    void unknownModeListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pad("mirror", 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("mode 'mirror' is not supported; valid: [constant, reflect, edge, wrap]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pad("constant", 1, 1));
        assertTrue(e.getMessage().contains("must have 2 x 2 entries"), e.getMessage());
    }
}
