package dev.jquant.nativebindings.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MatMul, Gemm and Conv on oneDNN against the Java backend, one node at a time, over odd shapes,
 * attribute combinations, packed (initializer) and per-run (input) weights, on 1 and 2 threads.
 */
class OneDnnOperatorsTest {

    /** Both compute in fp32 with different summation orders; inputs are in [-1, 1). */
    static final double TOLERANCE = 1e-4;

    private final Random random = new Random(11);

    @BeforeAll
    static void requireOneDnn() {
        OneDnnTesting.assumeAvailable();
    }

    @Test
    void matMulWithAWeightMatrix() throws Exception {
        long[][][] shapes = {{{1, 1}, {1, 1}}, {{3, 5}, {5, 7}}, {{2, 13, 33}, {33, 17}}, {{4, 128, 384}, {384, 64}},
                {{2, 3, 5, 7}, {7, 9}}, {{7}, {7, 3}}, {{2, 6, 5}, {5}}, {{5}, {5}}};
        for (long[][] s : shapes) {
            for (int constant : new int[] {1, -1}) {
                compare("MatMul", Map.of(), new Tensor[] {random(s[0]), random(s[1])}, constant);
            }
        }
    }

    @Test
    void batchedMatMulBroadcasts() throws Exception {
        long[][][] shapes = {{{2, 3, 4}, {2, 4, 5}}, {{3, 1, 4, 5}, {2, 5, 6}}, {{1, 4, 5}, {3, 5, 2}},
                {{6}, {2, 6, 3}}, {{2, 2, 3, 8, 16}, {2, 1, 16, 4}}};
        for (long[][] s : shapes) {
            compare("MatMul", Map.of(), new Tensor[] {random(s[0]), random(s[1])}, 1);
            compare("MatMul", Map.of(), new Tensor[] {random(s[0]), random(s[1])});
        }
    }

    @Test
    void emptyMatMulRunsOnJava() throws Exception {
        compare("MatMul", Map.of(), new Tensor[] {random(0, 4), random(4, 3)}, 1);
        compare("MatMul", Map.of(), new Tensor[] {random(3, 0), random(0, 5)}, 1);
    }

    @Test
    void gemmTransposesScalesAndAddsC() throws Exception {
        int m = 6;
        int k = 11;
        int n = 9;
        long[][] cShapes = {null, {n}, {1, n}, {m, 1}, {m, n}, {}, {1}};
        float[][] scalars = {{1f, 1f}, {0.5f, 1f}, {1f, 2f}, {-1.5f, 0.25f}, {2f, 0f}};
        for (int transA = 0; transA <= 1; transA++) {
            for (int transB = 0; transB <= 1; transB++) {
                for (long[] c : cShapes) {
                    for (float[] ab : scalars) {
                        Map<String, Attribute> attributes = new LinkedHashMap<>();
                        attributes.put("transA", new Attribute.IntValue(transA));
                        attributes.put("transB", new Attribute.IntValue(transB));
                        attributes.put("alpha", new Attribute.FloatValue(ab[0]));
                        attributes.put("beta", new Attribute.FloatValue(ab[1]));
                        Tensor a = transA == 1 ? random(k, m) : random(m, k);
                        Tensor b = transB == 1 ? random(n, k) : random(k, n);
                        Tensor[] operands = {a, b, c == null ? null : random(c)};
                        compare("Gemm", attributes, operands, 1, 2);
                        compare("Gemm", attributes, operands);
                    }
                }
            }
        }
    }

    @Test
    void convolutionsWithPadsStridesDilationsAndGroups() throws Exception {
        // {x shape, w shape, strides, dilations, pads, group}
        long[][][] cases = {
                {{1, 3, 8, 8}, {4, 3, 3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, {1}},
                {{2, 4, 9, 7}, {6, 2, 3, 2}, {2, 1}, {1, 2}, {0, 1, 2, 0}, {2}},
                {{1, 8, 10, 10}, {8, 1, 3, 3}, {1, 1}, {1, 1}, {1, 1, 1, 1}, {8}},
                {{1, 5, 13, 11}, {7, 5, 1, 1}, {2, 2}, {1, 1}, {0, 0, 0, 0}, {1}},
                {{1, 2, 17}, {3, 2, 5}, {3}, {2}, {2, 1}, {1}},
                {{1, 2, 5, 6, 4}, {2, 2, 3, 3, 2}, {1, 2, 1}, {1, 1, 1}, {1, 0, 1, 1, 1, 0}, {1}}};
        for (long[][] c : cases) {
            Map<String, Attribute> attributes = Map.of("strides", new Attribute.IntsValue(c[2]),
                    "dilations", new Attribute.IntsValue(c[3]), "pads", new Attribute.IntsValue(c[4]),
                    "group", new Attribute.IntValue(c[5][0]));
            Tensor x = random(c[0]);
            Tensor w = random(c[1]);
            Tensor bias = random(c[1][0]);
            compare("Conv", attributes, new Tensor[] {x, w, bias}, 1, 2);
            compare("Conv", attributes, new Tensor[] {x, w, bias});
            compare("Conv", attributes, new Tensor[] {x, w}, 1);
        }
    }

    @Test
    void convolutionAutoPad() throws Exception {
        for (String autoPad : new String[] {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
            Map<String, Attribute> attributes = Map.of("auto_pad", new Attribute.StringValue(autoPad),
                    "strides", new Attribute.IntsValue(new long[] {2, 1}), "kernel_shape", new Attribute.IntsValue(new long[] {4, 3}));
            compare("Conv", attributes, new Tensor[] {random(1, 3, 9, 8), random(5, 3, 4, 3), random(5)}, 1, 2);
        }
    }

    @Test
    void softmaxAndLogSoftmaxAlongEveryAxis() throws Exception {
        for (String op : new String[] {"Softmax", "LogSoftmax"}) {
            for (long axis : new long[] {-1, 0, 1, 2}) {
                Map<String, Attribute> attributes = Map.of("axis", new Attribute.IntValue(axis));
                Tensor[] operands = {random(2, 3, 17)};
                OneNodeModel.of(op, attributes, operands).assertRunsOnOneDnn();
                compare(op, attributes, operands);
            }
        }
    }

    @Test
    void layerNormalizationOverTheTrailingAxes() throws Exception {
        long[][] shapes = {{4, 384}, {2, 3, 8}, {1, 16, 5}};
        for (long[] shape : shapes) {
            for (long axis : new long[] {-1, 1}) {
                int from = (int) (axis < 0 ? axis + shape.length : axis);
                long[] row = Arrays.copyOfRange(shape, from, shape.length);
                Map<String, Attribute> attributes = Map.of("axis", new Attribute.IntValue(axis),
                        "epsilon", new Attribute.FloatValue(1e-3f));
                Tensor[] withBias = {random(shape), random(row), random(row)};
                OneNodeModel.of("LayerNormalization", attributes, withBias, 1, 2).assertRunsOnOneDnn();
                compare("LayerNormalization", attributes, withBias, 1, 2);
                compare("LayerNormalization", attributes, new Tensor[] {random(shape), random(row)}, 1);
            }
        }
    }

    @Test
    void poolingWithPadsStridesDilationsAndCeilMode() throws Exception {
        for (String op : new String[] {"MaxPool", "AveragePool"}) {
            for (long ceil : new long[] {0, 1}) {
                for (long include : new long[] {0, 1}) {
                    Map<String, Attribute> attributes = new HashMap<>(Map.of(
                            "kernel_shape", new Attribute.IntsValue(new long[] {3, 2}),
                            "strides", new Attribute.IntsValue(new long[] {2, 2}),
                            "pads", new Attribute.IntsValue(new long[] {1, 0, 1, 1}),
                            "ceil_mode", new Attribute.IntValue(ceil)));
                    if (op.equals("AveragePool")) {
                        attributes.put("count_include_pad", new Attribute.IntValue(include));
                    } else {
                        attributes.put("dilations", new Attribute.IntsValue(new long[] {1, 2}));
                    }
                    compare(op, attributes, new Tensor[] {random(2, 3, 10, 9)});
                }
            }
            Map<String, Attribute> same = Map.of("kernel_shape", new Attribute.IntsValue(new long[] {3, 3}),
                    "strides", new Attribute.IntsValue(new long[] {2, 2}), "auto_pad", new Attribute.StringValue("SAME_UPPER"));
            OneNodeModel.of(op, same, new Tensor[] {random(1, 4, 7, 8)}).assertRunsOnOneDnn();
            compare(op, same, new Tensor[] {random(1, 4, 7, 8)});
            compare(op, Map.of("kernel_shape", new Attribute.IntsValue(new long[] {2})), new Tensor[] {random(2, 5, 9)});
        }
    }

    @Test
    void geluBothFormsOverAWideRange() throws Exception {
        for (String approximate : new String[] {"none", "tanh"}) {
            float[] v = new float[3 * 1001];
            for (int i = 0; i < v.length; i++) {
                v[i] = (random.nextFloat() * 2 - 1) * 8;
            }
            Tensor x = Tensor.ofFloats(v, 3, v.length / 3);
            Map<String, Attribute> attributes = Map.of("approximate", new Attribute.StringValue(approximate));
            OneNodeModel.of("Gelu", attributes, new Tensor[] {x}).assertRunsOnOneDnn();
            compare("Gelu", attributes, new Tensor[] {x});
        }
    }

    /** Runs the node on Java (1 thread) and on oneDNN (1 and 2 threads) and compares. */
    private void compare(String op, Map<String, Attribute> attributes, Tensor[] operands, int... constant) throws Exception {
        OneNodeModel model = OneNodeModel.of(op, attributes, operands, constant);
        Tensor expected = model.run("java", 1);
        for (int threads = 1; threads <= 2; threads++) {
            Tensor actual = model.run(OneDnnBackendProvider.NAME, threads);
            assertArrayEquals(expected.shape(), actual.shape(), op + " shape");
            float[] e = expected.toFloatArray();
            float[] a = actual.toFloatArray();
            for (int i = 0; i < e.length; i++) {
                assertTrue(Math.abs(e[i] - a[i]) <= TOLERANCE, op + " " + attributes + " on " + describe(operands)
                        + " (constant inputs " + Arrays.toString(constant) + ", " + threads + " threads): element "
                        + i + " expected " + e[i] + " but was " + a[i]);
            }
        }
    }

    private static String describe(Tensor[] operands) {
        StringBuilder sb = new StringBuilder();
        for (Tensor t : operands) {
            sb.append(t == null ? "-" : Arrays.toString(t.shape())).append(' ');
        }
        return sb.toString().trim();
    }

    private Tensor random(long... shape) {
        return OneNodeModel.random(random, shape);
    }
}
