package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ElementwiseTesting.assertClose;
import static dev.jquant.runtime.ops.ElementwiseTesting.randomFloats;
import static dev.jquant.runtime.ops.ElementwiseTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GeluTest {

    private static Node gelu(String approximate) {
        Map<String, Attribute> attributes = approximate == null ? Map.of()
                : Map.of("approximate", new Attribute.StringValue(approximate));
        return new Node("gelu", "Gelu", List.of("x"), List.of("y"), attributes);
    }

    /** erf by its Taylor series in double: exact to ~1e-12 for |x| <= 4, independent of the kernels' fit. */
    private static double erf(double x) {
        if (Math.abs(x) > 4) {
            return Math.signum(x); // 1 within 2e-8; the series below loses its digits out there
        }
        double sum = 0;
        double power = x;
        double factorial = 1;
        for (int n = 0; n < 120; n++) {
            sum += (n % 2 == 0 ? 1 : -1) * power / (factorial * (2 * n + 1));
            power *= x * x;
            factorial *= n + 1;
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static float[] reference(float[] x, boolean tanh) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double inner = tanh ? Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)) : erf(v / Math.sqrt(2));
            y[i] = (float) (0.5 * v * (1 + inner));
        }
        return y;
    }

    /** Standard normal values times 1.5, clamped to [-4, 4] where the series reference holds. */
    private static Tensor inputs(long seed, long... shape) {
        float[] v = randomFloats(seed, shape).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.max(-4f, Math.min(4f, 1.5f * v[i]));
        }
        return Tensor.ofFloats(v, shape);
    }

    @Test
    void bothFormsMatchTheDoubleReferenceAcrossPieceBoundaries() {
        long[][] shapes = {{0}, {1}, {7}, {2, 1024}, {2047}, {2049}, {3, 4097}, {1, 128, 1536}};
        for (long[] shape : shapes) {
            Tensor x = inputs(shape.length * 31L + shape[shape.length - 1], shape);
            for (String approximate : new String[] {null, "none", "tanh"}) {
                Tensor y = runAll(gelu(approximate), 20, x)[0];
                assertArrayEquals(shape, y.shape());
                assertClose(reference(x.toFloatArray(), "tanh".equals(approximate)), y.toFloatArray(), 1e-6, 1e-6,
                        approximate + " " + java.util.Arrays.toString(shape));
            }
        }
    }

    @Test
    void doublesAreComputedInDouble() {
        Tensor x = ElementwiseTesting.of(DType.FLOAT64, new double[] {-3, -0.5, 0, 0.25, 2.5}, 5);
        Tensor y = runAll(gelu("none"), 20, x)[0];
        assertEquals(DType.FLOAT64, y.dtype());
        for (int i = 0; i < 5; i++) {
            double v = ElementwiseTesting.value(x, i);
            assertEquals(0.5 * v * (1 + erf(v / Math.sqrt(2))), ElementwiseTesting.value(y, i), 1e-7);
        }
    }

    @Test
    void rejectsUnknownFormsAndIntegers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> runAll(gelu("exact"), 20, inputs(1, 4)));
        assertEquals("Gelu node 'gelu': approximate 'exact' is not a GELU form; expected one of [none, tanh]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> runAll(gelu(null), 20, Tensor.ofLongs(new long[] {1, 2}, 2)));
        assertEquals(true, e.getMessage().startsWith("Gelu node 'gelu': X (input 0)"), e.getMessage());
    }
}
