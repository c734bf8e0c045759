package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX Gemm, {@code Y = alpha·A'·B' + beta·C}, on oneDNN's matmul primitive. Transposition is a matter
 * of strides; a constant B is packed once. C fuses as the bias when it is a row and alpha = beta = 1 (the
 * fully-connected layer); otherwise the scalars and C become post-ops on the product:
 * {@code linear(alpha/beta)}, {@code add C} (broadcast), {@code linear(beta)}.
 *
 * <p>A B quantized to int8 (per output column or per tensor) is multiplied as codes in the fully-connected
 * form (A not transposed, alpha 1, C absent or a constant row): as in {@link OneDnnMatMul}, A is quantized to
 * uint8 in scratch, oneDNN sums in int32, and {@link IntegerProduct} scales back and adds {@code beta·C}.
 */
final class OneDnnGemm extends OneDnnProduct {

    private float productScale;
    private float beta;
    /** C's argument id: {@code DNNL_ARG_BIAS}, a binary post-op's source, or 0 when C plays no part. */
    private int cArgument;

    OneDnnGemm(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] a = ctx.inputShape(0);
        boolean transA = node.attrInt("transA", 0) == 1;
        boolean transB = node.attrInt("transB", 0) == 1;
        float alpha = node.attrFloat("alpha", 1f);
        beta = node.attrFloat("beta", 1f);
        long m = outputShape[0];
        long n = outputShape[1];
        long k = transA ? a[0] : a[1];
        if (m == 0 || n == 0 || k == 0) {
            if (ctx.quantizedInput(1) != null) {
                ctx.constantInput(1); // the Java operator multiplies nothing by the decoded weights
            }
            return null;
        }
        QuantizedTensor quantized = ctx.quantizedInput(1);
        if (quantized != null) {
            return integerOperands(ctx, quantized, m, k, n, transB);
        }
        List<Operand> operands = new ArrayList<>();
        operands.add(Operand.input(DNNL_ARG_SRC, 0, new long[] {m, k}, transA ? new long[] {1, m} : new long[] {k, 1}));
        operands.add(Operand.weights(DNNL_ARG_WEIGHTS, 1, new long[] {k, n}, transB ? new long[] {1, k} : new long[] {n, 1},
                ctx.constantInput(1) != null));
        operands.add(Operand.output(DNNL_ARG_DST, 0, new long[] {m, n}));

        cArgument = 0;
        productScale = alpha;
        if (ctx.hasInput(2) && beta != 0f) {
            long[] c = ctx.inputShape(2);
            long[] cDims = c.length == 2 ? c : c.length == 1 ? new long[] {1, c[0]} : new long[] {1, 1};
            if (alpha == 1f && beta == 1f && cDims[0] == 1 && cDims[1] == n) {
                cArgument = DNNL_ARG_BIAS;
            } else {
                productScale = alpha / beta;
                cArgument = Dnnl.binaryPostOpArgument(productScale != 1f ? 1 : 0);
            }
            operands.add(Operand.input(cArgument, 2, cDims));
        }
        return operands;
    }

    private List<Operand> integerOperands(PrepareContext ctx, QuantizedTensor b, long m, long k, long n, boolean transB) {
        int[] columnSums = ctx.derivedFromInput(1, "onednn-int8-column-sums" + (transB ? "-transposed" : ""),
                () -> IntegerProduct.columnSums(b, transB));
        integer = new IntegerProduct(node, b, columnSums, Math.toIntExact(m), Math.toIntExact(k), Math.toIntExact(n));
        integer.addEpilogue(rowBias(ctx, Math.toIntExact(n)), "none");
        ctx.reserveScratch(integer.quantizedBytes());
        cArgument = 0;
        productScale = 1f;
        return List.of(Operand.scratch(DNNL_ARG_SRC, 0, new long[] {m, k}, dnnl_u8),
                Operand.weights(DNNL_ARG_WEIGHTS, 1, new long[] {k, n}, transB ? new long[] {1, k} : new long[] {n, 1},
                        true).as(dnnl_s8),
                Operand.output(DNNL_ARG_DST, 0, new long[] {m, n}).as(dnnl_s32));
    }

    /** {@code beta·C} per output column, or null without C; {@link #fullyConnected} made sure C is a constant row. */
    private float[] rowBias(PrepareContext ctx, int n) {
        if (!ctx.hasInput(2) || beta == 0f) {
            return null;
        }
        float[] c = ctx.constantInput(2).toFloatArray();
        float[] bias = new float[n];
        for (int j = 0; j < n; j++) {
            bias[j] = beta * c[c.length == 1 ? 0 : j];
        }
        return bias;
    }

    /** The fully-connected form the integer product covers: A as is, alpha 1, C absent or a constant row. */
    private boolean fullyConnected(PrepareContext ctx) {
        if (node.attrInt("transA", 0) != 0 || node.attrFloat("alpha", 1f) != 1f) {
            return false;
        }
        if (!ctx.hasInput(2)) {
            return true;
        }
        long[] c = ctx.inputShape(2);
        long n = node.attrInt("transB", 0) == 1 ? ctx.inputShape(1)[0] : ctx.inputShape(1)[1];
        boolean row = c.length == 0 || (c.length == 1 && (c[0] == n || c[0] == 1))
                || (c.length == 2 && c[0] == 1 && (c[1] == n || c[1] == 1));
        return row && ctx.constantInput(2) != null;
    }

    @Override
    String whyNotOnCodes(PrepareContext ctx, int index, QuantizedTensor w) {
        if (index != 1) {
            return "oneDNN's Gemm reads a quantized weight only as B";
        }
        if (!fullyConnected(ctx)) {
            return "oneDNN multiplies int8 codes only for Gemm's fully-connected form (transA 0, alpha 1, C a "
                    + "constant row)";
        }
        return IntegerProduct.whyNotOnCodes(backend, ctx, w, node.attrInt("transB", 0) == 1);
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        boolean cInChain = cArgument != 0 && cArgument != DNNL_ARG_BIAS;
        if (productScale != 1f || cInChain) {
            dnnl_post_ops ops = temp.postOps();
            if (productScale != 1f) {
                Dnnl.check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_linear, productScale, 0f), "linear post-op");
            }
            if (cInChain) {
                Dnnl.check(dnnl_post_ops_append_binary(ops, dnnl_binary_add, layouts.get(cArgument)), "add post-op");
                if (beta != 1f) {
                    Dnnl.check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_linear, beta, 0f), "linear post-op");
                }
            }
            Dnnl.check(dnnl_primitive_attr_set_post_ops(attributes, ops), "post-ops");
        }
        dnnl_memory_desc bias = cArgument == DNNL_ARG_BIAS ? layouts.get(DNNL_ARG_BIAS) : null;
        return temp.primitiveDesc("matmul", pd -> dnnl_matmul_primitive_desc_create(pd, backend.engine(),
                layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_WEIGHTS), bias, layouts.get(DNNL_ARG_DST), attributes));
    }
}
