package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX MatMul on oneDNN's matmul primitive. When B is a matrix (or a vector) A's leading dimensions are
 * stacked into the rows of one {@code [rows, K]·[K, N]} product, and a constant B (a weight, the
 * transformer case) is packed once; otherwise batch dimensions broadcast numpy-style, which oneDNN's
 * matmul does itself.
 *
 * <p>A B quantized to int8 per output column (or per tensor) is multiplied as codes: A is quantized to
 * uint8 into the step's scratch memory, oneDNN's integer matmul writes int32 sums over the output, and
 * {@link IntegerProduct} scales them back to floats in place; for jquant's FusedMatMul it adds the bias and
 * applies the activation in the same pass. A FusedMatMul whose weight oneDNN cannot multiply as codes runs on
 * the Java operator.
 */
final class OneDnnMatMul extends OneDnnProduct {


    OneDnnMatMul(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] a = ctx.inputShape(0);
        long[] b = ctx.inputShape(1);
        long k = a[a.length - 1];
        QuantizedTensor quantized = ctx.quantizedInput(1);
        if (Tensor.elementCount(outputShape) == 0 || k == 0) {
            if (quantized != null) {
                ctx.constantInput(1); // the Java operator multiplies nothing by the decoded weights
            }
            return null;
        }
        if (quantized != null) {
            return integerOperands(ctx, quantized, Tensor.elementCount(a) / k, k, b[1]);
        }
        if (isFused()) {
            return null; // a float FusedMatMul: the Java operator has the bias and activation epilogue
        }
        if (b.length <= 2) {
            long n = b.length == 1 ? 1 : b[1];
            long rows = Tensor.elementCount(a) / k;
            long[] weights = {k, n};
            return List.of(Operand.input(DNNL_ARG_SRC, 0, new long[] {rows, k}),
                    Operand.weights(DNNL_ARG_WEIGHTS, 1, weights, Dnnl.rowMajorStrides(weights), ctx.constantInput(1) != null),
                    Operand.output(DNNL_ARG_DST, 0, new long[] {rows, n}));
        }
        long[] a2 = a.length == 1 ? new long[] {1, k} : a;
        int rank = Math.max(a2.length, b.length);
        if (rank > DNNL_MAX_NDIMS) {
            return null;
        }
        long[] src = withLeadingOnes(a2, rank);
        long[] weights = withLeadingOnes(b, rank);
        long[] dst = new long[rank];
        for (int d = 0; d < rank - 2; d++) {
            dst[d] = Math.max(src[d], weights[d]);
        }
        dst[rank - 2] = src[rank - 2];
        dst[rank - 1] = weights[rank - 1];
        return List.of(Operand.input(DNNL_ARG_SRC, 0, src), Operand.input(DNNL_ARG_WEIGHTS, 1, weights),
                Operand.output(DNNL_ARG_DST, 0, dst));
    }

    private List<Operand> integerOperands(PrepareContext ctx, QuantizedTensor b, long rows, long k, long n) {
        int[] columnSums = ctx.derivedFromInput(1, "onednn-int8-column-sums", () -> IntegerProduct.columnSums(b, false));
        integer = new IntegerProduct(node, b, columnSums, Math.toIntExact(rows), Math.toIntExact(k), Math.toIntExact(n));
        if (isFused()) {
            integer.addEpilogue(ctx.hasInput(2) ? ctx.constantInput(2).toFloatArray() : null,
                    node.attrString("activation", "none"));
        }
        ctx.reserveScratch(integer.quantizedBytes());
        long[] weights = {k, n};
        return List.of(Operand.scratch(DNNL_ARG_SRC, 0, new long[] {rows, k}, dnnl_u8),
                Operand.weights(DNNL_ARG_WEIGHTS, 1, weights, Dnnl.rowMajorStrides(weights), true).as(dnnl_s8),
                Operand.output(DNNL_ARG_DST, 0, new long[] {rows, n}).as(dnnl_s32));
    }

    /**
     * A 2-D int8 B with one scale per output column or per tensor whose sums oneDNN computes exactly on this
     * CPU runs on its codes; any other quantized B on the Java kernels, for the reason returned.
     */
    @Override
    String whyNotOnCodes(PrepareContext ctx, int index, QuantizedTensor w) {
        return index == 1 ? IntegerProduct.whyNotOnCodes(backend, ctx, w, false)
                : "oneDNN's MatMul reads a quantized weight only as B";
    }

    private boolean isFused() {
        return node.opType().equals("FusedMatMul");
    }

    private static long[] withLeadingOnes(long[] dims, int rank) {
        long[] out = new long[rank];
        Arrays.fill(out, 0, rank - dims.length, 1);
        System.arraycopy(dims, 0, out, rank - dims.length, dims.length);
        return out;
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        return temp.primitiveDesc("matmul", pd -> dnnl_matmul_primitive_desc_create(pd, backend.engine(),
                layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_WEIGHTS), null, layouts.get(DNNL_ARG_DST), attributes));
    }
}
