package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class ConstantTest {

    @Test
    void everyValueAttribute() {
        Tensor t = TensorOpTesting.iota(2, 2);
        assertSame(t, runDynamic(node("Constant", 0, 1, "value", t), 13)[0]);
        Tensor f = runDynamic(node("Constant", 0, 1, "value_float", 1.5f), 13)[0];
        assertArrayEquals(new long[] {}, f.shape());
        assertArrayEquals(new float[] {1.5f}, f.toFloatArray());
        assertArrayEquals(new float[] {1, 2}, runDynamic(node("Constant", 0, 1, "value_floats", new float[] {1, 2}), 13)[0]
                .toFloatArray());
        assertArrayEquals(new long[] {7}, runDynamic(node("Constant", 0, 1, "value_int", 7L), 13)[0].toLongArray());
        Tensor ints = runDynamic(node("Constant", 0, 1, "value_ints", new long[] {3, 4}), 13)[0];
        assertArrayEquals(new long[] {2}, ints.shape());
        assertArrayEquals(new long[] {3, 4}, ints.toLongArray());
    }

    @Test
    void unsupportedValueKindsAreListed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runDynamic(node("Constant", 0, 1, "value_string", "x"), 13));
        assertTrue(e.getMessage().contains("[value_string]; expected one of [value, value_float, value_floats"),
                e.getMessage());
    }
}
