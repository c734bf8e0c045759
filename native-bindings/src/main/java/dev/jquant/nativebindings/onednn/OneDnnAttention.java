package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.Operator;
import dev.jquant.runtime.ops.PrepareContext;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.dnnl.dnnl_post_ops;

/**
 * jquant's fused {@code Attention} on oneDNN: three primitives run in turn, with nothing transposed or copied.
 * <pre>
 *   scores [B, H, S, T] = scale · Q·Kᵀ (+ Mask)   batched matmul over strided views of Q and K, whose heads sit
 *                                                 side by side in the last dimension; scale and mask as post-ops
 *   P = softmax(scores) along T                   in place, in the step's scratch
 *   Y [B, S, H·E] = P·V                           batched matmul over a strided view of V, written into Y's columns
 * </pre>
 * The Java operator validates the node (one reading of the spec, the same messages) and runs it where oneDNN
 * has nothing to compute or no implementation for the shapes, with the reason in the plan.
 */
final class OneDnnAttention implements Operator {

    private static final int BATCH_DIMS = 4;

    private final OneDnnBackend backend;
    private final Node node;
    private final PrimitiveSequence stages;
    private Operator java;
    private String javaReason;

    OneDnnAttention(OneDnnBackend backend, Node node) {
        this.backend = backend;
        this.node = node;
        this.stages = new PrimitiveSequence(backend, "Attention node '" + node.name() + "'");
    }

    @Override
    public void prepare(PrepareContext ctx) {
        JavaPreparation checked = JavaPreparation.run(ctx);
        long[] q = ctx.inputShape(0);
        long[] k = ctx.inputShape(1);
        long[] v = ctx.inputShape(2);
        long heads = node.attrInt("num_heads", 0);
        long batch = q[0];
        long queries = q[1];
        long keys = k[1];
        long headSize = q[2] / heads;
        long valueSize = v[2] / heads;
        if (batch * queries * keys * headSize * valueSize == 0) {
            takeOver(checked, "nothing to compute");
            return;
        }
        float scale = node.attrFloat("scale", (float) (1 / Math.sqrt(headSize)));
        long[] scores = {batch, heads, queries, keys};
        ctx.reserveScratch(Tensor.elementCount(scores) * Float.BYTES);
        String name = "Attention node '" + node.name() + "'";

        List<Operand> product = new ArrayList<>();
        product.add(Operand.input(DNNL_ARG_SRC, 0, new long[] {batch, heads, queries, headSize},
                new long[] {queries * q[2], headSize, q[2], 1}));
        product.add(Operand.input(DNNL_ARG_WEIGHTS, 1, new long[] {batch, heads, headSize, keys},
                new long[] {keys * k[2], headSize, 1, k[2]}));
        product.add(Operand.scratch(DNNL_ARG_DST, 0, scores, dnnl_f32));
        int maskArgument = Dnnl.binaryPostOpArgument(1); // post-op 0 is the scale
        boolean masked = ctx.hasInput(3);
        if (masked) {
            long[] mask = withLeadingOnes(ctx.inputShape(3));
            product.add(Operand.input(maskArgument, 3, mask));
        }
        stages.add(new OneDnnPrimitive(backend, name + " scores", product, new MemorySegment[product.size()],
                (temp, layouts, attributes) -> {
                    dnnl_post_ops ops = temp.postOps();
                    Dnnl.check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_linear, scale, 0f), "scale post-op");
                    if (masked) {
                        Dnnl.check(dnnl_post_ops_append_binary(ops, dnnl_binary_add, layouts.get(maskArgument)),
                                "mask post-op");
                    }
                    Dnnl.check(dnnl_primitive_attr_set_post_ops(attributes, ops), "post-ops");
                    return temp.primitiveDesc("scores matmul", pd -> dnnl_matmul_primitive_desc_create(pd,
                            backend.engine(), layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_WEIGHTS), null,
                            layouts.get(DNNL_ARG_DST), attributes));
                }, OneDnnOperator.productWork(product)));

        List<Operand> softmax = List.of(Operand.scratch(DNNL_ARG_SRC, 0, scores, dnnl_f32),
                Operand.scratch(DNNL_ARG_DST, 0, scores, dnnl_f32));
        stages.add(new OneDnnPrimitive(backend, name + " softmax", softmax, new MemorySegment[2],
                (temp, layouts, attributes) -> temp.primitiveDesc("softmax", pd -> dnnl_softmax_forward_primitive_desc_create(
                        pd, backend.engine(), dnnl_forward_inference, dnnl_softmax_accurate, layouts.get(DNNL_ARG_SRC),
                        layouts.get(DNNL_ARG_DST), BATCH_DIMS - 1, attributes)),
                WorkEstimate.elementwise(Tensor.elementCount(scores))));

        List<Operand> mix = List.of(Operand.scratch(DNNL_ARG_SRC, 0, scores, dnnl_f32),
                Operand.input(DNNL_ARG_WEIGHTS, 2, new long[] {batch, heads, keys, valueSize},
                        new long[] {keys * v[2], valueSize, v[2], 1}),
                Operand.output(DNNL_ARG_DST, 0, new long[] {batch, heads, queries, valueSize},
                        new long[] {queries * v[2], valueSize, v[2], 1}));
        stages.add(new OneDnnPrimitive(backend, name + " mix", mix, new MemorySegment[3],
                (temp, layouts, attributes) -> temp.primitiveDesc("mix matmul", pd -> dnnl_matmul_primitive_desc_create(
                        pd, backend.engine(), layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_WEIGHTS), null,
                        layouts.get(DNNL_ARG_DST), attributes)), OneDnnOperator.productWork(mix)));
        try {
            stages.build(1);
        } catch (IllegalStateException e) { // no implementation for these shapes (e.g. the mask's broadcast)
            stages.close();
            takeOver(checked, e.getMessage());
        }
    }

    private void takeOver(JavaPreparation checked, String reason) {
        javaReason = reason;
        java = checked.takeOver();
    }

    /** {@code dims} with leading ones up to rank 4: numpy broadcasting against {@code [B, H, S, T]}. */
    private static long[] withLeadingOnes(long[] dims) {
        long[] out = new long[BATCH_DIMS];
        Arrays.fill(out, 1);
        System.arraycopy(dims, 0, out, BATCH_DIMS - dims.length, dims.length);
        return out;
    }

    @Override
    public String delegatedToJava() {
        return javaReason;
    }

    @Override
    public void execute(ExecContext ctx) {
        if (java != null) {
            java.execute(ctx);
            return;
        }
        stages.run(ctx);
    }

    @Override
    public void close() {
        stages.close();
        if (java != null) {
            java.close();
        }
    }
}
