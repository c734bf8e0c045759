package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.TensorOpTesting.longs;
import static dev.jquant.runtime.ops.TensorOpTesting.node;
import static dev.jquant.runtime.ops.TensorOpTesting.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Expected values come from the ONNX reference implementation ({@code onnx/backend/test/case/node/resize.py},
 * which interpolates one output element at a time), run with numpy.
 */
class ResizeTest {

    private static final float TOLERANCE = 1e-4f;

    private static Tensor floats(float[] values, long... shape) {
        return Tensor.ofFloats(values, shape);
    }

    private static Tensor scales(float... s) {
        return Tensor.ofFloats(s, s.length);
    }

    /** x[i] = i^1.5 over the given shape. */
    private static Tensor powers(long... shape) {
        float[] v = new float[Math.toIntExact(Tensor.elementCount(shape))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.pow(i, 1.5);
        }
        return floats(v, shape);
    }

    private static Tensor resize(Tensor x, Tensor roi, Tensor scales, Tensor sizes, Object... attributes) {
        return run(node("Resize", 4, 1, attributes), 13, x, roi, scales, sizes)[0];
    }

    @Test
    void bilinearUpsample() {
        Tensor out = resize(floats(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), null, scales(1, 1, 2, 2), null, "mode", "linear");
        assertArrayEquals(new long[] {1, 1, 4, 4}, out.shape());
        assertArrayEquals(new float[] {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f,
            3.75f, 4}, out.toFloatArray(), TOLERANCE);
    }

    @Test
    void bilinearDownsampleFloorsTheOutputSize() {
        Tensor out = resize(floats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 1, 2, 4), null, scales(1, 1, 0.6f, 0.6f), null,
                "mode", "linear");
        assertArrayEquals(new long[] {1, 1, 1, 2}, out.shape());
        assertArrayEquals(new float[] {2.6666665f, 4.333333f}, out.toFloatArray(), TOLERANCE);
    }

    @Test
    void trilinearOverEveryAxis() {
        float[] x = new float[8];
        for (int i = 0; i < 8; i++) {
            x[i] = i * i;
        }
        Tensor out = resize(floats(x, 2, 2, 2), null, scales(1.5f, 1.5f, 1.5f), null, "mode", "linear",
                "coordinate_transformation_mode", "asymmetric");
        assertArrayEquals(new float[] {0.0f, 0.6666667f, 1.0f, 2.6666667f, 5.111111f, 6.3333335f, 4.0f, 7.3333335f, 9.0f,
            10.666667f, 14.888889f, 17.0f, 20.444445f, 26.444445f, 29.444445f, 25.333334f, 32.22222f, 35.666668f, 16.0f,
            22.0f, 25.0f, 29.333334f, 37.11111f, 41.0f, 36.0f, 44.666668f, 49.0f}, out.toFloatArray(), TOLERANCE);
    }

    @Test
    void cubicWithExcludeOutsideAndAnotherCoefficient() {
        Tensor out = resize(powers(1, 1, 3, 3), null, scales(1, 1, 1.5f, 2), null, "mode", "cubic",
                "cubic_coeff_a", -0.5f, "exclude_outside", 1);
        assertArrayEquals(new long[] {1, 1, 4, 6}, out.shape());
        assertArrayEquals(new float[] {-0.41961616f, -0.21268412f, 0.2248644f, 0.9850997f, 1.9681369f, 2.432443f,
            1.7285341f, 2.1731017f, 3.1136832f, 4.3317146f, 5.667163f, 6.2980375f, 6.464411f, 7.2356024f, 8.867569f,
            10.729449f, 12.576616f, 13.449344f, 13.343879f, 14.292109f, 16.298777f, 18.544996f, 20.735643f, 21.770678f},
                out.toFloatArray(), TOLERANCE);
    }

    @Test
    void cubicAlignCornersUsesTheUnroundedOutputLength() {
        Tensor out = resize(powers(1, 1, 4, 4), null, scales(1, 1, 0.8f, 0.8f), null, "mode", "cubic",
                "coordinate_transformation_mode", "align_corners");
        assertArrayEquals(new float[] {0.0f, 1.5970494f, 4.677957f, 12.776395f, 18.102402f, 23.966352f, 37.423656f,
            44.61322f, 52.246685f}, out.toFloatArray(), 1e-3f);
    }

    @Test
    void cropAndResizeExtrapolatesOutsideTheInput() {
        float[] x = new float[16];
        for (int i = 0; i < 16; i++) {
            x[i] = i + 1;
        }
        Tensor roi = Tensor.ofFloats(new float[] {0, 0, 0.4f, 0.6f, 1, 1, 1.2f, 1.7f}, 8);
        Tensor out = resize(floats(x, 1, 1, 4, 4), roi, null, longs(1, 1, 3, 3), "mode", "linear",
                "coordinate_transformation_mode", "tf_crop_and_resize", "extrapolation_value", 10f);
        assertArrayEquals(new float[] {7.6f, 10, 10, 12.4f, 10, 10, 10, 10, 10}, out.toFloatArray(), TOLERANCE);
    }

    @Test
    void antialiasWidensTheLinearKernelWhenShrinking() {
        float[] x = new float[8];
        for (int i = 0; i < 8; i++) {
            x[i] = i * i;
        }
        Tensor out = run(node("Resize", 3, 1, "mode", "linear", "antialias", 1), 18, floats(x, 8), null, scales(0.5f))[0];
        assertArrayEquals(new float[] {0.875f, 7, 21, 41.125f}, out.toFloatArray(), TOLERANCE);
    }

    @Test
    void nearestEveryRoundingAndCoordinateMode() {
        Object[][] cases = {
            {"half_pixel", "round_prefer_floor", new long[] {0, 0, 1, 2, 2, 3, 4, 4}, new long[] {0, 2, 4}},
            {"half_pixel", "floor", new long[] {0, 0, 1, 1, 2, 2, 3, 4}, new long[] {0, 2, 3}},
            {"half_pixel", "ceil", new long[] {0, 1, 2, 2, 3, 3, 4, 4}, new long[] {1, 2, 4}},
            {"asymmetric", "round_prefer_floor", new long[] {0, 1, 1, 2, 2, 3, 4, 4}, new long[] {0, 2, 3}},
            {"asymmetric", "round_prefer_ceil", new long[] {0, 1, 1, 2, 3, 3, 4, 4}, new long[] {0, 2, 3}},
            {"asymmetric", "floor", new long[] {0, 0, 1, 1, 2, 3, 3, 4}, new long[] {0, 1, 3}},
            {"asymmetric", "ceil", new long[] {0, 1, 2, 2, 3, 4, 4, 4}, new long[] {0, 2, 4}},
            {"align_corners", "round_prefer_floor", new long[] {0, 1, 1, 2, 2, 3, 3, 4}, new long[] {0, 2, 4}},
            {"align_corners", "floor", new long[] {0, 0, 1, 1, 2, 2, 3, 4}, new long[] {0, 2, 4}},
            {"pytorch_half_pixel", "ceil", new long[] {0, 1, 2, 2, 3, 3, 4, 4}, new long[] {1, 2, 4}},
        };
        Tensor x = longs(0, 1, 2, 3, 4);
        for (Object[] c : cases) {
            for (int k = 2; k <= 3; k++) {
                long[] expected = (long[]) c[k];
                Tensor out = resize(x, null, null, longs(expected.length), "coordinate_transformation_mode", c[0],
                        "nearest_mode", c[1]);
                assertArrayEquals(expected, out.toLongArray(), c[0] + " " + c[1] + " to " + expected.length);
            }
        }
    }

    @Test
    void nearestInOpset10RoundsDownWhenEnlarging() {
        Tensor out = run(node("Resize", 2, 1), 10, floats(new float[] {1, 2, 3, 4}, 1, 1, 2, 2), scales(1, 1, 2, 3))[0];
        assertArrayEquals(new float[] {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4},
                out.toFloatArray());
    }

    @Test
    void sizesForSomeAxesKeepingTheAspectRatio() {
        Tensor x = floats(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 4);
        Tensor larger = run(node("Resize", 4, 1, "axes", new long[] {1, 2}, "keep_aspect_ratio_policy", "not_smaller"),
                18, x, null, null, longs(4, 4))[0];
        assertArrayEquals(new long[] {1, 4, 8}, larger.shape());
        Tensor same = run(node("Resize", 4, 1, "axes", new long[] {1, 2}, "keep_aspect_ratio_policy", "not_larger"),
                18, x, null, null, longs(4, 4))[0];
        assertArrayEquals(x.toFloatArray(), same.toFloatArray());
    }

    @Test
    void linearNeedsFloat32AndCubicArgumentsAreChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resize(longs(1, 2), null, scales(2), null, "mode", "linear"));
        assertTrue(e.getMessage().contains("mode 'linear' supports FLOAT32 input, got INT64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> resize(longs(1, 2), null, scales(2), longs(4)));
        assertTrue(e.getMessage().contains("exactly one of scales (input 2) and sizes (input 3)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> resize(longs(1, 2), null, scales(2), null, "coordinate_transformation_mode", "corners"));
        assertTrue(e.getMessage().contains("'corners' is not supported; valid: [half_pixel,"), e.getMessage());
        Tensor bytes = Tensor.allocate(DType.UINT8, 1, 3);
        assertArrayEquals(new long[] {2, 6}, resize(bytes, null, scales(2, 2), null).shape());
    }
}
