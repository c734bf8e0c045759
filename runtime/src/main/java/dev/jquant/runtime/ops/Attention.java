package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.BinaryOp;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.FloatElementwise;
import dev.jquant.kernels.attention.AttentionKernel;
import dev.jquant.kernels.attention.AttentionKernels;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * jquant's {@code Attention} (domain {@value Operators#JQUANT_DOMAIN}): multi-head scaled dot-product
 * attention on the projections as the MatMuls wrote them, heads side by side in the last dimension.
 * <pre>
 *   Q [B, S, H·D]   K [B, T, H·D]   V [B, T, H·E]   Mask (optional) broadcastable to [B, H, S, T]
 *   for each batch b and head h:  P = softmax(scale · Q_bh · K_bhᵀ + Mask_bh)   Y_bh = P · V_bh
 *   Y [B, S, H·E]
 * </pre>
 * with attributes {@code num_heads} (H) and {@code scale} (default 1/√D). The compressor writes it for the
 * Reshape-Transpose-MatMul-Div-Add-Softmax-MatMul-Transpose-Reshape chain that exporters spell attention
 * as; this runs it without the transposes and with the scale, mask and softmax in one pass over the scores.
 *
 * <p>Each (batch, head) pair is one task: the attention kernel writes its scores (S rows of scratch), the
 * mask and softmax turn them into probabilities while they are still in cache, and the kernel multiplies
 * them by V straight into Y's columns of that head. Pairs run in parallel.
 */
final class Attention implements Operator {

    private static final AttentionKernel KERNEL = AttentionKernels.get();
    private static final FloatElementwise KERNELS = ElementwiseKernels.floats();
    private static final Set<DType> FLOAT32 = Set.of(DType.FLOAT32);

    private final Parallel.RangeTask task = this::pairs;

    private int heads;
    private int batch;
    private int queries;
    private int keys;
    private int headSize;
    private int valueSize;
    private int scoreStride;
    private float scale;
    private long[] maskStrides;
    private MemorySegment q;
    private MemorySegment k;
    private MemorySegment v;
    private MemorySegment mask;
    private MemorySegment y;
    private MemorySegment scratch;

    @Override
    public void prepare(PrepareContext ctx) {
        long numHeads = ctx.node().attrInt("num_heads", 0);
        if (numHeads < 1) {
            throw new IllegalArgumentException("num_heads must be a positive attribute, was " + numHeads);
        }
        String[] names = {"Q (input 0)", "K (input 1)", "V (input 2)"};
        long[][] shapes = new long[3][];
        for (int i = 0; i < 3; i++) {
            ElementTypes.require(names[i], ctx.inputType(i), FLOAT32);
            shapes[i] = ctx.inputShape(i);
            if (shapes[i].length != 3 || shapes[i][2] % numHeads != 0) {
                throw new IllegalArgumentException(names[i] + " must be [batch, sequence, num_heads·head size] with "
                        + "num_heads = " + numHeads + ", got " + ShapeOperands.show(shapes[i]));
            }
        }
        long[] qs = shapes[0];
        long[] ks = shapes[1];
        long[] vs = shapes[2];
        if (ks[0] != qs[0] || vs[0] != qs[0] || vs[1] != ks[1] || ks[2] != qs[2]) {
            throw new IllegalArgumentException("Q " + ShapeOperands.show(qs) + ", K " + ShapeOperands.show(ks) + " and V "
                    + ShapeOperands.show(vs) + " disagree: they need the same batch, K and V the same sequence length, "
                    + "Q and K the same width");
        }
        long pairCount = qs[0] * numHeads;
        boolean tooLarge = qs[0] * qs[1] * qs[2] > Integer.MAX_VALUE
                || ks[0] * ks[1] * Math.max(ks[2], vs[2]) > Integer.MAX_VALUE
                || pairCount * qs[1] * KERNEL.scoreStride((int) ks[1]) > Integer.MAX_VALUE;
        if (tooLarge) {
            throw new IllegalArgumentException("attention of Q " + ShapeOperands.show(qs) + " over K "
                    + ShapeOperands.show(ks) + " is too large: each tensor and the scores must stay below 2^31 elements");
        }
        heads = (int) numHeads;
        batch = (int) qs[0];
        queries = (int) qs[1];
        keys = (int) ks[1];
        headSize = (int) (qs[2] / heads);
        valueSize = (int) (vs[2] / heads);
        scale = ctx.node().attrFloat("scale", (float) (1 / Math.sqrt(headSize)));
        maskStrides = ctx.hasInput(3) ? maskStrides(ctx) : null;
        scoreStride = KERNEL.scoreStride(keys);
        OutputDeclaration.declare(ctx, new DType[] {DType.FLOAT32}, new long[][] {{batch, queries, vs[2]}},
                pairCount * queries * scoreStride * Float.BYTES);
    }

    /** The mask's element strides for (batch, head, query, key), 0 along the dimensions it broadcasts. */
    private long[] maskStrides(PrepareContext ctx) {
        ElementTypes.require("Mask (input 3)", ctx.inputType(3), FLOAT32);
        long[] shape = ctx.inputShape(3);
        long[] full = {batch, heads, queries, keys};
        if (shape.length > 4) {
            throw new IllegalArgumentException("Mask (input 3) " + ShapeOperands.show(shape) + " has more than 4 "
                    + "dimensions; it must broadcast to [batch, num_heads, queries, keys] = " + ShapeOperands.show(full));
        }
        long[] strides = new long[4];
        long stride = 1;
        for (int i = 1; i <= shape.length; i++) {
            long dim = shape[shape.length - i];
            long target = full[4 - i];
            if (dim != 1 && dim != target) {
                throw new IllegalArgumentException("Mask (input 3) " + ShapeOperands.show(shape) + " does not broadcast "
                        + "to [batch, num_heads, queries, keys] = " + ShapeOperands.show(full));
            }
            strides[4 - i] = dim == 1 ? 0 : stride;
            stride *= dim;
        }
        return strides;
    }

    @Override
    public void execute(ExecContext ctx) {
        q = ctx.input(0).data();
        k = ctx.input(1).data();
        v = ctx.input(2).data();
        mask = maskStrides == null ? null : ctx.input(3).data();
        y = ctx.output(0).data();
        scratch = ctx.scratch();
        ctx.parallel().forRange(batch * heads, 1, task);
    }

    private void pairs(int from, int to) {
        int qWidth = heads * headSize;
        int vWidth = heads * valueSize;
        for (int pair = from; pair < to; pair++) {
            int b = pair / heads;
            int h = pair % heads;
            long scores = (long) pair * queries * scoreStride;
            KERNEL.scores(q, (long) b * queries * qWidth + (long) h * headSize, qWidth,
                    k, (long) b * keys * qWidth + (long) h * headSize, qWidth, queries, keys, headSize, scale,
                    scratch, scores, scoreStride);
            softmaxRows(pair, scores);
            KERNEL.mix(scratch, scores, scoreStride, v, (long) b * keys * vWidth + (long) h * valueSize, vWidth,
                    queries, keys, valueSize, y, (long) b * queries * vWidth + (long) h * valueSize, vWidth);
        }
    }

    /** Adds the mask to each row of the pair's scores and replaces the row by its softmax. */
    private void softmaxRows(int pair, long scores) {
        int b = pair / heads;
        int h = pair % heads;
        for (int i = 0; i < queries; i++) {
            long row = scores + (long) i * scoreStride;
            if (mask != null) {
                long m = b * maskStrides[0] + h * maskStrides[1] + i * maskStrides[2];
                if (maskStrides[3] == 1) {
                    KERNELS.binary(BinaryOp.ADD, scratch, row, mask, m, scratch, row, keys);
                } else {
                    float value = mask.getAtIndex(Tensor.F32, m);
                    KERNELS.binaryScalarRight(BinaryOp.ADD, scratch, row, value, scratch, row, keys);
                }
            }
            float max = KERNELS.max(scratch, row, keys);
            float sum = KERNELS.expShifted(scratch, row, max, scratch, row, keys);
            KERNELS.binaryScalarRight(BinaryOp.MUL, scratch, row, 1f / sum, scratch, row, keys);
        }
    }
}
