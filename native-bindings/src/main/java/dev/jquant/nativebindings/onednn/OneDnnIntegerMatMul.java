package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.PrepareContext;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX MatMulInteger and QLinearMatMul with a constant 2-D B (the weight case; what ONNX Runtime's quantizer
 * writes for transformers) on oneDNN's int8 matmul: A's rows stacked into one {@code [rows, K]·[K, N]} product,
 * uint8 A with a per-tensor zero point times int8 {@code b − b_zero_point} packed once, summed in int32; for
 * QLinearMatMul the primitive applies the scales (b's per tensor or per column) and writes y requantized.
 *
 * <p>A uint8 A is read in place; an int8 A is shifted to uint8 in scratch ({@code a + 128}, its zero point moved
 * alike). The Java operator runs the node where B is not a constant 2-D matrix, A's zero point is per row,
 * {@code b − b_zero_point} leaves int8, or without VNNI B exceeds ±64 (see {@link OneDnnLibrary#int8SumsExact}).
 * MatMulInteger's sums equal the Java backend's exactly; QLinearMatMul's y may differ by one where a scaled sum
 * lies within a rounding error of a half.
 */
final class OneDnnIntegerMatMul extends OneDnnOperator {

    private final boolean requantized;
    private final int bInput;
    private final int bZeroInput;

    private OnnxIntegerParameters parameters;
    private long aBytes;
    private Int8Weights weights;

    OneDnnIntegerMatMul(OneDnnBackend backend, Node node) {
        super(backend, node);
        requantized = node.opType().equals("QLinearMatMul");
        bInput = requantized ? 3 : 1;
        bZeroInput = requantized ? 5 : 3;
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] a = ctx.inputShape(0);
        long[] b = ctx.inputShape(bInput);
        Tensor constantB = ctx.constantInput(bInput);
        if (constantB == null || b.length != 2) {
            return onJava("oneDNN takes B (input " + bInput + ") as a constant 2-D matrix, packed once");
        }
        long k = b[0];
        long n = b[1];
        if (Tensor.elementCount(outputShape) == 0 || k == 0) {
            return onJava("nothing to compute");
        }
        if (ctx.hasInput(2) && Tensor.elementCount(ctx.inputShape(2)) != 1) {
            return onJava("A's zero point is per row; oneDNN takes one per tensor");
        }
        Tensor bZero = ctx.hasInput(bZeroInput) ? ctx.constantInput(bZeroInput) : null;
        if (ctx.hasInput(bZeroInput) && bZero == null) {
            return onJava("b_zero_point (input " + bZeroInput + ") is computed at run time");
        }
        String scalesWhyNot = OnnxIntegerParameters.whyNot(ctx, requantized);
        if (scalesWhyNot != null) {
            return onJava(scalesWhyNot);
        }
        if (requantized && Tensor.elementCount(ctx.inputShape(OnnxIntegerParameters.X_SCALE)) != 1) {
            return onJava("A's scale is per row; oneDNN takes one per tensor");
        }
        weights = ctx.derivedFromInput(bInput, Int8Weights.kind(bZero), () -> Int8Weights.of(constantB, bZero, 1));
        String whyNot = weights.whyNot(backend.library());
        if (whyNot != null) {
            return onJava(whyNot);
        }

        aBytes = Tensor.elementCount(a);
        // After the uint8 copy of an int8 A; per-column scales index B's [K, N] along N.
        parameters = new OnnxIntegerParameters(ctx, requantized, 1 << 1,
                ctx.inputType(0) == DType.INT8 ? (aBytes + 63) / 64 * 64 : 0);
        ctx.reserveScratch(parameters.scratchEnd());

        long rows = aBytes / k;
        long[] aDims = {rows, k};
        List<Operand> operands = new ArrayList<>();
        operands.add(parameters.signed() ? Operand.scratch(DNNL_ARG_SRC, 0, aDims, dnnl_u8) : Operand.input(DNNL_ARG_SRC, 0, aDims).as(dnnl_u8));
        operands.add(Operand.weights(DNNL_ARG_WEIGHTS, bInput, b, Dnnl.rowMajorStrides(b), true).as(dnnl_s8));
        operands.add(Operand.output(DNNL_ARG_DST, 0, new long[] {rows, n}).as(parameters.outputType(ctx)));
        parameters.addOperands(operands);
        return operands;
    }

    @Override
    long work(List<Operand> operands) {
        return productWork(operands);
    }

    @Override
    MemorySegment constantData(PrepareContext ctx, int index) {
        return index == bInput ? weights.codes() : super.constantData(ctx, index);
    }

    @Override
    void beforePrimitive(ExecContext ctx) {
        if (parameters.signed()) {
            UnsignedActivations.shift(ctx.input(0).data(), ctx.scratch(), aBytes);
        }
        parameters.writeZeroPoints(ctx);
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        parameters.setAttributes(attributes);
        return temp.primitiveDesc("int8 matmul", pd -> dnnl_matmul_primitive_desc_create(pd, backend.engine(),
                layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_WEIGHTS), null, layouts.get(DNNL_ARG_DST), attributes));
    }
}
