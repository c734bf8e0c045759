package dev.jquant.compressor.passes;

import static dev.jquant.compressor.passes.NodePatterns.is;
import static dev.jquant.compressor.passes.NodePatterns.onlyReader;
import static dev.jquant.compressor.passes.NodePatterns.scalar;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.Operators;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replaces multi-head attention as BERT-style exporters spell it,
 * <pre>
 *   q = Transpose(Reshape(Q, [B, S, H, D]), [0, 2, 1, 3])      k = Transpose(Reshape(K, [B, T, H, D]), [0, 2, 3, 1])
 *   v = Transpose(Reshape(V, [B, T, H, E]), [0, 2, 1, 3])
 *   p = Softmax(MatMul(q, k) / c + mask, axis = -1)            (or · c, or neither; the mask optional)
 *   Y = Reshape(Transpose(MatMul(p, v), [0, 2, 1, 3]), [B, S, H·E])
 * </pre>
 * with one jquant {@code Attention} node (domain {@value Operators#JQUANT_DOMAIN}; {@code num_heads} H,
 * {@code scale} 1/c) reading Q, K, V and the mask, so that the runtime skips four transposes, the
 * division and the mask's pass over the scores.
 *
 * <p>The reshape targets may be constants or, as exporters with dynamic axes write them, a Concat of the
 * reshaped tensor's own leading dimensions (Shape, Gather, Unsqueeze) and constant head sizes; either way the
 * first two entries must keep the leading dimensions (0, -1, or the dimension itself) and the head count and
 * sizes must be constants. Every value inside the pattern must be read only inside it.
 */
public final class AttentionFusion implements GraphPass {

    private static final long[] HEADS_FIRST = {0, 2, 1, 3};
    private static final long[] KEYS_TRANSPOSED = {0, 2, 3, 1};
    /** A reshape-target entry that keeps the reshaped tensor's dimension at the same position. */
    private static final long KEEP = 0;

    public AttentionFusion() {
        // stateless: one instance can serve any number of graphs
    }

    @Override
    public Graph apply(Graph graph) {
        ValueUses uses = new ValueUses(graph);
        Fusions fusions = new Fusions(graph);
        for (Node n : graph.nodes()) {
            if (is(n, "Softmax") && !fusions.taken(n) && softmaxOverLastAxis(n, graph.opset())) {
                new Match(graph.initializers(), uses).of(n).ifPresent(m -> m.record(fusions));
            }
        }
        return fusions.apply(graph);
    }

    private static boolean softmaxOverLastAxis(Node softmax, int opset) {
        long axis = softmax.attrInt("axis", opset >= 13 ? -1 : 1);
        return axis == -1 || axis == 3;
    }

    /** One attempt to read the pattern around a Softmax; collects the nodes it passes. */
    private static final class Match {
        private final Map<String, Tensor> constants;
        private final ValueUses uses;
        private final Set<Node> group = Collections.newSetFromMap(new IdentityHashMap<>());
        private String q;
        private String k;
        private String v;
        private String mask;
        private float scale;
        private long heads;
        private Node last;

        Match(Map<String, Tensor> constants, ValueUses uses) {
            this.constants = constants;
            this.uses = uses;
        }

        Optional<Match> of(Node softmax) {
            group.add(softmax);
            Node add = soleProducer(softmax.input(0));
            Scaled scores;
            if (is(add, "Add") && add.inputCount() == 2) {
                // The mask is whichever operand is not the scaled product.
                scores = scaledProduct(add.input(0));
                mask = add.input(1);
                if (scores == null) {
                    scores = scaledProduct(add.input(1));
                    mask = add.input(0);
                }
                group.add(add);
            } else {
                scores = scaledProduct(softmax.input(0));
            }
            if (scores == null || !readQueriesAndKeys(scores.product()) || !readMixOutput(softmax)) {
                return Optional.empty();
            }
            if (scores.scaler() != null) {
                group.add(scores.scaler());
            }
            scale = scores.scale();
            return isClosed() ? Optional.of(this) : Optional.empty();
        }

        /** A MatMul's result, possibly divided or multiplied by a constant scalar on its way to the softmax. */
        private record Scaled(Node product, Node scaler, float scale) {
        }

        /** For MatMul, Div(MatMul, c) or Mul(MatMul, c) (either order) producing {@code value}: the parts; else null. */
        private Scaled scaledProduct(String value) {
            Node n = soleProducer(value);
            if (is(n, "MatMul")) {
                return new Scaled(n, null, 1f);
            }
            if (!(is(n, "Div") || is(n, "Mul")) || n.inputCount() != 2) {
                return null;
            }
            Double c = scalar(constants, n.input(1));
            String product = n.input(0);
            if (c == null && is(n, "Mul")) {
                c = scalar(constants, n.input(0));
                product = n.input(1);
            }
            Node matMul = soleProducer(product);
            if (c == null || c == 0 || !Double.isFinite(c) || !is(matMul, "MatMul")) {
                return null;
            }
            return new Scaled(matMul, n, (float) (is(n, "Div") ? 1 / c : c));
        }

        private boolean readQueriesAndKeys(Node product) {
            group.add(product);
            long[] qHead = headSplit(product.input(0), HEADS_FIRST);
            long[] kHead = headSplit(product.input(1), KEYS_TRANSPOSED);
            if (qHead == null || kHead == null || !Arrays.equals(qHead, kHead)) {
                return false;
            }
            q = reshapedInput(product.input(0));
            k = reshapedInput(product.input(1));
            heads = qHead[0];
            return true;
        }

        /** softmax → MatMul(p, v) → Transpose → Reshape [B, S, H·E]; records V and the last node. */
        private boolean readMixOutput(Node softmax) {
            Node mix = onlyReader(uses, softmax.output(0));
            if (!is(mix, "MatMul") || !mix.input(0).equals(softmax.output(0))) {
                return false;
            }
            group.add(mix);
            long[] vHead = headSplit(mix.input(1), HEADS_FIRST);
            if (vHead == null || vHead[0] != heads) {
                return false;
            }
            v = reshapedInput(mix.input(1));
            Node back = onlyReader(uses, mix.output(0));
            if (!is(back, "Transpose") || !Arrays.equals(back.attrInts("perm", null), HEADS_FIRST)) {
                return false;
            }
            group.add(back);
            Node merge = firstReaderOfType(back.output(0), "Reshape");
            if (merge == null || !merge.input(0).equals(back.output(0))) {
                return false;
            }
            long[] target = target(merge);
            long width = heads * vHead[1];
            if (target == null || target.length != 3 || !keepsLeadingDimensions(target)
                    || (target[2] != width && target[2] != -1)) {
                return false;
            }
            group.add(merge);
            last = merge;
            return true;
        }

        /**
         * For Transpose(Reshape(X, [B, S, H, D]), perm) with the expected perm: {H, D}, the reshape and transpose
         * noted; else null.
         */
        private long[] headSplit(String value, long[] perm) {
            Node transpose = soleProducer(value);
            if (!is(transpose, "Transpose") || !Arrays.equals(transpose.attrInts("perm", null), perm)) {
                return null;
            }
            Node reshape = soleProducer(transpose.input(0));
            long[] target = is(reshape, "Reshape") ? target(reshape) : null;
            if (target == null || target.length != 4 || !keepsLeadingDimensions(target) || target[2] < 1
                    || target[3] < 1) {
                return null;
            }
            group.add(transpose);
            group.add(reshape);
            return new long[] {target[2], target[3]};
        }

        /** The tensor that a head split reshapes (the input of the Reshape under the Transpose). */
        private String reshapedInput(String transposed) {
            return uses.producer(uses.producer(transposed).input(0)).input(0);
        }

        /** [0 or B, 0 or -1 or S, ...]: the first two dimensions stay as they are. */
        private static boolean keepsLeadingDimensions(long[] target) {
            return target[0] == KEEP && (target[1] == KEEP || target[1] == -1);
        }

        /**
         * A Reshape's target with {@link #KEEP} wherever it copies the dimension of the tensor reshaped at that
         * position: read from a constant, or from a Concat of constants and the tensor's own dimensions
         * (Unsqueeze(Gather(Shape(X), i))), whose nodes join the group. Null when it is anything else.
         */
        private long[] target(Node reshape) {
            if (reshape.inputCount() != 2 || reshape.attrInt("allowzero", 0) != 0) {
                return null;
            }
            String shape = reshape.input(1);
            Tensor constant = constants.get(shape);
            if (constant != null) {
                return constant.dtype() == DType.INT64 && constant.rank() == 1 ? constant.toLongArrayWidening() : null;
            }
            Node concat = soleProducer(shape);
            if (!is(concat, "Concat") || concat.attrInt("axis", 0) != 0) {
                return null;
            }
            List<Node> parts = new ArrayList<>(List.of(concat));
            List<Long> entries = new ArrayList<>();
            for (String part : concat.inputs()) {
                Tensor c = constants.get(part);
                if (c != null && c.dtype() == DType.INT64 && c.rank() == 1) {
                    for (long e : c.toLongArrayWidening()) {
                        entries.add(e);
                    }
                    continue;
                }
                Long dimension = ownDimension(part, reshape.input(0), parts);
                if (dimension == null || dimension != entries.size()) {
                    return null;
                }
                entries.add(KEEP);
            }
            group.addAll(parts);
            return entries.stream().mapToLong(Long::longValue).toArray();
        }

        /** For Unsqueeze(Gather(Shape(x), i)) read only by the Concat: i, its nodes added to {@code parts}. */
        private Long ownDimension(String part, String x, List<Node> parts) {
            Node unsqueeze = soleProducer(part);
            Node gather = is(unsqueeze, "Unsqueeze") ? soleProducer(unsqueeze.input(0)) : null;
            Node shape = is(gather, "Gather") && gather.inputCount() == 2 ? soleProducer(gather.input(0)) : null;
            Double index = shape == null ? null : scalar(constants, gather.input(1));
            if (!is(shape, "Shape") || !shape.input(0).equals(x) || shape.has("start") || shape.has("end")
                    || index == null) {
                return null;
            }
            parts.addAll(List.of(unsqueeze, gather, shape));
            return index.longValue();
        }

        /** The producer of a value that has exactly one reader and is not a graph output; else null. */
        private Node soleProducer(String value) {
            return onlyReader(uses, value) == null ? null : uses.producer(value);
        }

        /** Of a value's readers, the one of this op type (the others may be the Shape nodes of its own reshape). */
        private Node firstReaderOfType(String value, String opType) {
            for (Node reader : uses.consumers(value)) {
                if (is(reader, opType)) {
                    return reader;
                }
            }
            return null;
        }

        /** Every value the group computes, except the result, is read only inside the group. */
        private boolean isClosed() {
            for (Node n : group) {
                for (String out : n.outputs()) {
                    if (n == last || out.isEmpty()) {
                        continue;
                    }
                    if (uses.isGraphOutput(out) || !group.containsAll(uses.consumers(out))) {
                        return false;
                    }
                }
            }
            return true;
        }

        void record(Fusions fusions) {
            List<String> inputs = new ArrayList<>(List.of(q, k, v));
            if (mask != null) {
                inputs.add(mask);
            }
            Node fused = new Node(fusions.freshNodeName(NodePatterns.scope(last.name()) + "Attention"), "Attention",
                    Operators.JQUANT_DOMAIN, inputs, List.of(last.output(0)),
                    Map.of("num_heads", new Attribute.IntValue(heads), "scale", new Attribute.FloatValue(scale)));
            List<Node> ordered = new ArrayList<>(group);
            ordered.remove(last);
            ordered.add(last);
            fusions.replace(ordered, fused);
        }
    }
}
