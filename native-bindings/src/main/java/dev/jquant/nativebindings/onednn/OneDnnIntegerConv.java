package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

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
    private long outputChannels;
    private long group;
    private OnnxIntegerParameters parameters;
    private long xBytes;
    private boolean bias;
    private float[] weightScales;
    private Int8Weights weights;
    /** Where the float bias goes in the step's scratch (after x shifted to uint8, x and y channels-last). */
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
        String scalesWhyNot = OnnxIntegerParameters.whyNot(ctx, requantized);
        if (scalesWhyNot != null) {
            return onJava(scalesWhyNot);
        }
        long perFilter = constantWeights.elementCount() / w[0];
        weights = ctx.derivedFromInput(wInput, Int8Weights.kind(wZero), () -> Int8Weights.of(constantWeights, wZero, perFilter));
        String whyNot = weights.whyNot(backend.library());
        if (whyNot != null) {
            return onJava(whyNot);
        }

        window = ConvolutionWindow.of(node, x, w, outputShape);
        outputChannels = w[0];
        group = node.attrInt("group", 1);
        bias = requantized && ctx.hasInput(8);
        long filters = w[0];
        xBytes = Tensor.elementCount(x);
        long xAt = align(xBytes); // after the uint8 copy of an int8 x
        long yAt = align(xAt + xBytes);
        // The output channels: [M] or [group, M/group] of the weights.
        parameters = new OnnxIntegerParameters(ctx, requantized, group > 1 ? 0b11 : 0b1,
                align(yAt + Tensor.elementCount(outputShape) * (requantized ? 1 : Integer.BYTES)));
        weightScales = new float[(int) parameters.weightScales()];
        biasAt = parameters.scratchEnd();
        ctx.reserveScratch(biasAt + (bias ? filters * Float.BYTES : 0));

        Operand channelsLastX = Operand.scratch(DNNL_ARG_SRC, xAt, x, Dnnl.channelsLastStrides(x), dnnl_u8);
        reorder(true, parameters.signed() ? Operand.scratch(DNNL_ARG_FROM, 0, x, dnnl_u8) : Operand.input(DNNL_ARG_FROM, 0, x).as(dnnl_u8),
                channelsLastX);
        List<Operand> operands = new ArrayList<>();
        operands.add(channelsLastX);
        long[] wDims = ConvolutionWindow.weightDims(w, group);
        operands.add(Operand.weights(DNNL_ARG_WEIGHTS, wInput, wDims, Dnnl.rowMajorStrides(wDims), true).as(dnnl_s8));
        if (bias) {
            operands.add(Operand.scratch(DNNL_ARG_BIAS, biasAt, new long[] {filters}, dnnl_f32));
        }
        int yType = parameters.outputType(ctx);
        Operand channelsLastY = Operand.scratch(DNNL_ARG_DST, yAt, outputShape, Dnnl.channelsLastStrides(outputShape), yType);
        operands.add(channelsLastY);
        reorder(false, channelsLastY, Operand.output(DNNL_ARG_TO, 0, outputShape).as(yType));
        parameters.addOperands(operands);
        return operands;
    }

    @Override
    MemorySegment constantData(PrepareContext ctx, int index) {
        return index == wInput ? weights.codes() : super.constantData(ctx, index);
    }

    @Override
    void beforePrimitive(ExecContext ctx) {
        MemorySegment scratch = ctx.scratch();
        if (parameters.signed()) {
            UnsignedActivations.shift(ctx.input(0).data(), scratch, xBytes);
        }
        parameters.writeZeroPoints(ctx);
        if (bias) {
            float xScale = ctx.input(OnnxIntegerParameters.X_SCALE).data().get(ValueLayout.JAVA_FLOAT, 0);
            MemorySegment.copy(ctx.input(OnnxIntegerParameters.W_SCALE).data(), ValueLayout.JAVA_FLOAT, 0, weightScales, 0,
                    weightScales.length);
            MemorySegment b = ctx.input(8).data();
            for (long m = 0, filters = b.byteSize() / Integer.BYTES; m < filters; m++) {
                float scale = xScale * weightScales[weightScales.length == 1 ? 0 : (int) m];
                scratch.set(ValueLayout.JAVA_FLOAT, biasAt + m * Float.BYTES, b.getAtIndex(ValueLayout.JAVA_INT, m) * scale);
            }
        }
    }

    private static long align(long bytes) {
        return (bytes + 63) / 64 * 64;
    }

    @Override
    long work(List<Operand> operands) {
        return convolutionWork(operands, outputChannels);
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        parameters.setAttributes(attributes);
        return window.descriptor(temp, backend.engine(), layouts, attributes);
    }
}
