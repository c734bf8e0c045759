package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ONNX's MatMulInteger and QLinearMatMul on oneDNN's int8 matmul against the Java backend, with B a constant
 * (the weight case oneDNN takes): stacked rows, signed and unsigned A, per-column zero points and scales; the
 * plan must show oneDNN running the node, or why it does not.
 */
class OneDnnOnnxIntegerMatMulTest {

    private static final int SEVEN_BITS = OneDnnLibrary.SATURATION_FREE_CODE;

    private final Int8Tensors tensors = new Int8Tensors(new Random(23));
    private final Random random = new Random(29);

    @BeforeEach
    void requireOneDnn() {
        OneDnnTesting.assumeAvailable();
    }

    @Test
    void matMulIntegerSumsEqualTheJavaBackendsExactly() throws Exception {
        long[][] aShapes = {{1, 5}, {7, 40}, {2, 9, 64}, {40}};
        for (long[] aShape : aShapes) {
            long k = aShape[aShape.length - 1];
            for (DType aType : new DType[] {DType.UINT8, DType.INT8}) {
                Tensor a = tensors.bytes(aType, aShape);
                Tensor b = tensors.codes(SEVEN_BITS, k, 24);
                Tensor aZero = tensors.bytes(aType);
                Tensor bZero = Tensor.allocate(DType.INT8, 24);
                OneNodeModel model = OneNodeModel.of("MatMulInteger", Map.of(), new Tensor[] {a, b, aZero, bZero},
                        DType.INT32, 1, 3);
                model.assertRunsOnOneDnn();
                assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 2)),
                        aType + " " + java.util.Arrays.toString(aShape));
            }
        }
    }

    @Test
    void unsignedBWithPerColumnZeroPointsIsShiftedIntoInt8() throws Exception {
        int k = 33;
        int n = 10;
        Tensor b = Tensor.allocate(DType.UINT8, k, n);
        Tensor bZero = Tensor.allocate(DType.UINT8, n);
        for (int j = 0; j < n; j++) {
            int zero = 100 + 5 * j;
            bZero.data().set(ValueLayout.JAVA_BYTE, j, (byte) zero);
            for (int i = 0; i < k; i++) {
                b.data().set(ValueLayout.JAVA_BYTE, (long) i * n + j, (byte) (zero + random.nextInt(129) - 64));
            }
        }
        Tensor a = tensors.bytes(DType.UINT8, 6, k);
        OneNodeModel model = OneNodeModel.of("MatMulInteger", Map.of(), new Tensor[] {a, b, tensors.bytes(DType.UINT8), bZero},
                DType.INT32, 1, 3);
        model.assertRunsOnOneDnn();
        assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 1)));
    }

    @Test
    void qlinearMatMulRequantizesWithinOneOfTheJavaBackend() throws Exception {
        for (DType yType : new DType[] {DType.UINT8, DType.INT8}) {
            for (int scales : new int[] {1, 20}) {
                Tensor a = tensors.bytes(DType.UINT8, 3, 12, 48);
                float[] bs = new float[scales];
                for (int j = 0; j < scales; j++) {
                    bs[j] = 0.002f + 0.004f * random.nextFloat();
                }
                Tensor[] operands = {a, Tensor.ofFloats(new float[] {0.02f}), Int8Tensors.scalar(DType.UINT8, 131),
                        tensors.codes(SEVEN_BITS, 48, 20), Tensor.ofFloats(bs, scales), null, Tensor.ofFloats(new float[] {0.3f}),
                        Int8Tensors.scalar(yType, yType == DType.UINT8 ? 128 : 5)};
                OneNodeModel model = OneNodeModel.of("QLinearMatMul", Map.of(), operands, yType, 3);
                model.assertRunsOnOneDnn();
                Int8Tensors.assertWithinOne(model.run("java", 1), model.run(OneDnnBackendProvider.NAME, 2), yType);
            }
        }
    }

    @Test
    void whatOneDnnDoesNotTakeStaysOnJavaAndSaysWhy() throws Exception {
        Tensor a = tensors.bytes(DType.UINT8, 4, 8);
        Tensor b = tensors.codes(SEVEN_BITS, 8, 3);
        OneNodeModel runTimeB = OneNodeModel.of("MatMulInteger", Map.of(), new Tensor[] {a, b}, DType.INT32);
        assertPlanSays(runTimeB, "as a constant 2-D matrix");
        OneNodeModel perRow = OneNodeModel.of("MatMulInteger", Map.of(), new Tensor[] {a, b, tensors.bytes(DType.UINT8, 4)},
                DType.INT32, 1);
        assertPlanSays(perRow, "A's zero point is per row");
        OneNodeModel fullRange = OneNodeModel.of("MatMulInteger", Map.of(), new Tensor[] {a, tensors.codes(127, 8, 3)},
                DType.INT32, 1);
        if (!OneDnnLibrary.load().int8SumsExact(127)) {
            assertPlanSays(fullRange, "without VNNI oneDNN's sums saturate");
        }
        for (OneNodeModel model : new OneNodeModel[] {runTimeB, perRow, fullRange}) {
            assertArrayEquals(Int8Tensors.ints(model.run("java", 1)), Int8Tensors.ints(model.run(OneDnnBackendProvider.NAME, 1)));
        }
    }

    private static void assertPlanSays(OneNodeModel model, String reason) throws Exception {
        String plan = model.plan(OneDnnBackendProvider.NAME);
        assertTrue(plan.contains("fallback") && plan.contains(reason), plan);
    }
}
