package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.PrepareContext;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX ConvInteger and QLinearConv on oneDNN's int8 convolution: uint8 activations times int8 weights summed in
 * int32 with x's zero point taken out; for QLinearConv the primitive also applies the scales (w's per tensor or
 * per output channel), adds the bias, and writes y requantized with y's scale and zero point.
 *
 * <p>What the primitive is given: x reordered channels-last into scratch (oneDNN's int8 kernels read no other
 * layout; given channels-first it falls back to its reference loops), an int8 x first shifted to uint8
 * ({@code x + 128}, its zero point moved alike, so {@code x − x_zero_point} is unchanged); y written channels-last
 * into scratch and reordered into the output after it; the constant weights minus their zero points as int8, packed
 * once; QLinearConv's int32 bias as floats {@code B·x_scale·w_scale} in scratch, because oneDNN adds the bias
 * after scaling. The Java operator runs the node where W is not a constant, {@code w − w_zero_point} leaves int8,
 * or, without VNNI, the weights exceed ±64 (oneDNN's sums would saturate; see {@link OneDnnLibrary#int8SumsExact}).
 *
 * <p>ConvInteger's sums equal the Java backend's exactly. QLinearConv's y may differ from the Java backend's by
 * one where the scaled sum lies within a rounding error of a half: oneDNN multiplies the scales in its own order.
 */
final class OneDnnIntegerConv extends OneDnnOperator {

    private final boolean requantized;
    private final int wInput;
    private final int wZeroInput;

    private ConvolutionWindow window;
    private long group;
    private boolean perChannelScales;
    private boolean xSigned;
    private long xBytes;
    private boolean xZeroPoint;
    private boolean bias;
    private float[] weightScales;
    private Int8Weights weights;
    // Byte offsets in the step's scratch: an int8 x shifted to uint8 at 0, then x and y channels-last.
    private long yAt;
    private long xZeroAt;
    private long yZeroAt;
    private long biasAt;

    OneDnnIntegerConv(OneDnnBackend backend, Node node) {
        super(backend, node);
        requantized = node.opType().equals("QLinearConv");
        wInput = requantized ? 3 : 1;
        wZeroInput = requantized ? 5 : 3;
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] x = ctx.inputShape(0);
        long[] w = ctx.inputShape(wInput);
        if (x.length - 2 > ConvolutionWindow.MAX_SPATIAL_RANK) {
            return onJava("oneDNN convolves 1 to 3 spatial dimensions");
        }
        if (Tensor.elementCount(outputShape) == 0 || Tensor.elementCount(x) == 0) {
            return onJava("nothing to compute");
        }
        Tensor constantWeights = ctx.constantInput(wInput);
        if (constantWeights == null) {
            return onJava("W (input " + wInput + ") is computed at run time: oneDNN takes int8 weights packed once");
        }
        Tensor wZero = ctx.hasInput(wZeroInput) ? ctx.constantInput(wZeroInput) : null;
        if (ctx.hasInput(wZeroInput) && wZero == null) {
            return onJava("w_zero_point (input " + wZeroInput + ") is computed at run time");
        }
        if (requantized && (ctx.inputType(1) != DType.FLOAT32 || ctx.inputType(4) != DType.FLOAT32
                || ctx.inputType(6) != DType.FLOAT32)) {
            return onJava("oneDNN takes float32 scales only");
        }
        long perFilter = constantWeights.elementCount() / w[0];
        weights = ctx.derivedFromInput(wInput, Int8Weights.kind(wZero), () -> Int8Weights.of(constantWeights, wZero, perFilter));
        String whyNot = weights.whyNot(backend.library());
        if (whyNot != null) {
            return onJava(whyNot);
        }

        window = ConvolutionWindow.of(node, x, w, outputShape);
        group = node.attrInt("group", 1);
        xSigned = ctx.inputType(0) == DType.INT8;
        xZeroPoint = xSigned || ctx.hasInput(2);
        bias = requantized && ctx.hasInput(8);
        long filters = w[0];
        perChannelScales = requantized && Tensor.elementCount(ctx.inputShape(4)) != 1;
        weightScales = new float[perChannelScales ? (int) filters : 1];
        xBytes = Tensor.elementCount(x);
        long xAt = align(xBytes); // after the uint8 copy of an int8 x
        yAt = align(xAt + xBytes);
        xZeroAt = align(yAt + Tensor.elementCount(outputShape) * (requantized ? 1 : Integer.BYTES));
        yZeroAt = xZeroAt + Integer.BYTES;
        biasAt = yZeroAt + Integer.BYTES;
        ctx.reserveScratch(biasAt + (bias ? filters * Float.BYTES : 0));

        Operand channelsLastX = Operand.scratch(DNNL_ARG_SRC, xAt, x, Dnnl.channelsLastStrides(x), dnnl_u8);
        reorder(true, xSigned ? Operand.scratch(DNNL_ARG_FROM, 0, x, dnnl_u8) : Operand.input(DNNL_ARG_FROM, 0, x).as(dnnl_u8),
                channelsLastX);
        List<Operand> operands = new ArrayList<>();
        operands.add(channelsLastX);
        long[] wDims = ConvolutionWindow.weightDims(w, group);
        operands.add(Operand.weights(DNNL_ARG_WEIGHTS, wInput, wDims, Dnnl.rowMajorStrides(wDims), true).as(dnnl_s8));
        if (bias) {
            operands.add(Operand.scratch(DNNL_ARG_BIAS, biasAt, new long[] {filters}, dnnl_f32));
        }
        int yType = !requantized ? dnnl_s32 : ctx.inputType(7) == DType.INT8 ? dnnl_s8 : dnnl_u8;
        Operand channelsLastY = Operand.scratch(DNNL_ARG_DST, yAt, outputShape, Dnnl.channelsLastStrides(outputShape), yType);
        operands.add(channelsLastY);
        reorder(false, channelsLastY, Operand.output(DNNL_ARG_TO, 0, outputShape).as(yType));
        if (xZeroPoint) {
            operands.add(Operand.scratch(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, xZeroAt, new long[] {1}, dnnl_s32));
        }
        if (requantized) {
            operands.add(Operand.input(DNNL_ARG_ATTR_SCALES | DNNL_ARG_SRC, 1, new long[] {1}));
            operands.add(Operand.input(DNNL_ARG_ATTR_SCALES | DNNL_ARG_WEIGHTS, 4, new long[] {weightScales.length}));
            operands.add(Operand.input(DNNL_ARG_ATTR_SCALES | DNNL_ARG_DST, 6, new long[] {1}));
            operands.add(Operand.scratch(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, yZeroAt, new long[] {1}, dnnl_s32));
        }
        return operands;
    }

    @Override
    MemorySegment constantData(PrepareContext ctx, int index) {
        return index == wInput ? weights.codes() : super.constantData(ctx, index);
    }

    @Override
    void beforePrimitive(ExecContext ctx) {
        MemorySegment scratch = ctx.scratch();
        if (xSigned) {
            UnsignedActivations.shift(ctx.input(0).data(), scratch, xBytes);
        }
        if (xZeroPoint) {
            Tensor xZero = ctx.input(2);
            int zero = xZero == null ? 0 : Int8Weights.eightBit(xZero.data(), 0, xSigned);
            scratch.set(ValueLayout.JAVA_INT, xZeroAt, xSigned ? zero + UnsignedActivations.SHIFT : zero);
        }
        if (requantized) {
            Tensor yZero = ctx.input(7);
            scratch.set(ValueLayout.JAVA_INT, yZeroAt, Int8Weights.eightBit(yZero.data(), 0, yZero.dtype() == DType.INT8));
        }
        if (bias) {
            float xScale = ctx.input(1).data().get(ValueLayout.JAVA_FLOAT, 0);
            MemorySegment.copy(ctx.input(4).data(), ValueLayout.JAVA_FLOAT, 0, weightScales, 0, weightScales.length);
            MemorySegment b = ctx.input(8).data();
            for (long m = 0, filters = b.byteSize() / Integer.BYTES; m < filters; m++) {
                float scale = xScale * weightScales[perChannelScales ? (int) m : 0];
                scratch.set(ValueLayout.JAVA_FLOAT, biasAt + m * Float.BYTES, b.getAtIndex(ValueLayout.JAVA_INT, m) * scale);
            }
        }
    }

    private static long align(long bytes) {
        return (bytes + 63) / 64 * 64;
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        if (xZeroPoint) {
            Dnnl.check(dnnl_primitive_attr_set_zero_points_mask(attributes, DNNL_ARG_SRC, 0), "x zero point");
        }
        if (requantized) {
            int perChannel = group > 1 ? 0b11 : 0b1; // the output channels: [M] or [group, M/group] of the weights
            Dnnl.check(dnnl_primitive_attr_set_scales_mask(attributes, DNNL_ARG_SRC, 0), "x scale");
            Dnnl.check(dnnl_primitive_attr_set_scales_mask(attributes, DNNL_ARG_WEIGHTS, perChannelScales ? perChannel : 0),
                    "w scales");
            Dnnl.check(dnnl_primitive_attr_set_scales_mask(attributes, DNNL_ARG_DST, 0), "y scale");
            Dnnl.check(dnnl_primitive_attr_set_zero_points_mask(attributes, DNNL_ARG_DST, 0), "y zero point");
        }
        return temp.primitiveDesc("int8 convolution", pd -> dnnl_convolution_forward_primitive_desc_create(pd,
                backend.engine(), dnnl_forward_inference, dnnl_convolution_direct, layouts.get(DNNL_ARG_SRC),
                layouts.get(DNNL_ARG_WEIGHTS), layouts.get(DNNL_ARG_BIAS), layouts.get(DNNL_ARG_DST),
                window.strides(), window.dilations(), window.padsBegin(), window.padsEnd(), attributes));
    }
}
