package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.iota;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static dev.jquant.runtime.ops.TensorOpTesting.runDynamic;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class DropoutTest {

    @Test
    void inferencePassesTheInputAndMasksNothing() {
        Tensor[] out = runDynamic(node("Dropout", 2, 2), 13, iota(2, 3), Tensor.ofFloats(new float[] {0.5f}));
        assertArrayEquals(iota(2, 3).toFloatArray(), out[0].toFloatArray());
        assertEquals(DType.BOOL, out[1].dtype());
        assertArrayEquals(new byte[] {1, 1, 1, 1, 1, 1}, out[1].data().toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void maskHasTheInputTypeBeforeOpset10() {
        Tensor mask = runDynamic(node("Dropout", 1, 2), 9, iota(2))[1];
        assertArrayEquals(new float[] {1, 1}, mask.toFloatArray());
    }

    @Test
    void trainingModeRunsOnlyWithAZeroRatio() {
        Tensor yes = Tensor.allocate(DType.BOOL);
        yes.data().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        Tensor[] out = run(node("Dropout", 3, 2), 13, iota(2), Tensor.ofFloats(new float[] {0}), yes);
        assertArrayEquals(new float[] {0, 1}, out[0].toFloatArray());
        assertArrayEquals(new byte[] {1, 1}, out[1].data().toArray(ValueLayout.JAVA_BYTE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Dropout", 3, 1), 13, iota(2), Tensor.ofFloats(new float[] {0.5f}), yes));
        assertTrue(e.getMessage().contains("training_mode=true with a ratio above 0 is not supported"), e.getMessage());
    }
}
