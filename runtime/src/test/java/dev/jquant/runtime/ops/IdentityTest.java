package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

class IdentityTest {

    @Test
    void copiesTheInput() {
        Tensor in = TensorOpTesting.longs(5, -1, 9);
        Tensor out = runDynamic(node("Identity", 1, 1), 13, in)[0];
        assertNotSame(in, out);
        assertArrayEquals(in.toLongArray(), out.toLongArray());
    }
}
