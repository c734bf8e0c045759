package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.PrepareContext;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.bytedeco.dnnl.dnnl_primitive_attr;

/**
 * The quantization parameters of ONNX's integer operators as oneDNN takes them. All four put x (or a) at input 0
 * and its zero point at input 2; QLinearConv and QLinearMatMul also have x's scale at 1, w's at 4, y's at 6 and
 * y's zero point at 7. x's and y's zero points become runtime int32 arguments in scratch (x's moved by 128 where
 * an int8 x goes in shifted to uint8, see {@link UnsignedActivations}); the scales are runtime arguments read
 * straight from the inputs: x's and y's per tensor, w's per tensor or per output channel.
 */
final class OnnxIntegerParameters {

    static final int X_SCALE = 1;
    static final int X_ZERO_POINT = 2;
    static final int W_SCALE = 4;
    static final int Y_SCALE = 6;
    static final int Y_ZERO_POINT = 7;

    private final boolean requantized;
    private final boolean signed;
    private final boolean xZeroPoint;
    private final long weightScales;
    private final int perChannelMask;
    private final long xZeroAt;
    private final long yZeroAt;

    /**
     * @param requantized whether the node is QLinearConv or QLinearMatMul (scales, y's zero point)
     * @param perChannelMask the weights' dimensions that index the output channels, as oneDNN masks them
     * @param scratchOffset where in the step's scratch the two int32 zero points go (4-byte aligned)
     */
    OnnxIntegerParameters(PrepareContext ctx, boolean requantized, int perChannelMask, long scratchOffset) {
        this.requantized = requantized;
        this.perChannelMask = perChannelMask;
        signed = ctx.inputType(0) == DType.INT8;
        xZeroPoint = signed || ctx.hasInput(X_ZERO_POINT);
        weightScales = requantized ? Tensor.elementCount(ctx.inputShape(W_SCALE)) : 1;
        xZeroAt = scratchOffset;
        yZeroAt = scratchOffset + Integer.BYTES;
    }

    /** Why oneDNN cannot take {@code ctx}'s scales, or null. */
    static String whyNot(PrepareContext ctx, boolean requantized) {
        if (requantized && (ctx.inputType(X_SCALE) != DType.FLOAT32 || ctx.inputType(W_SCALE) != DType.FLOAT32
                || ctx.inputType(Y_SCALE) != DType.FLOAT32)) {
            return "oneDNN takes float32 scales only";
        }
        return null;
    }

    /** Whether x is int8, so that it must be shifted to uint8 before the primitive. */
    boolean signed() {
        return signed;
    }

    /** How many scales w has: 1, or one per output channel. */
    long weightScales() {
        return weightScales;
    }

    /** The byte of the step's scratch after the zero points. */
    long scratchEnd() {
        return yZeroAt + Integer.BYTES;
    }

    /** oneDNN's type for y: int32 sums, or y's 8-bit type (that of its zero point). */
    int outputType(PrepareContext ctx) {
        return !requantized ? dnnl_s32 : ctx.inputType(Y_ZERO_POINT) == DType.INT8 ? dnnl_s8 : dnnl_u8;
    }

    /** The runtime arguments: zero points in scratch, scales from the inputs. */
    void addOperands(List<Operand> operands) {
        if (xZeroPoint) {
            operands.add(Operand.scratch(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_SRC, xZeroAt, new long[] {1}, dnnl_s32));
        }
        if (requantized) {
            operands.add(Operand.input(DNNL_ARG_ATTR_SCALES | DNNL_ARG_SRC, X_SCALE, new long[] {1}));
            operands.add(Operand.input(DNNL_ARG_ATTR_SCALES | DNNL_ARG_WEIGHTS, W_SCALE, new long[] {weightScales}));
            operands.add(Operand.input(DNNL_ARG_ATTR_SCALES | DNNL_ARG_DST, Y_SCALE, new long[] {1}));
            operands.add(Operand.scratch(DNNL_ARG_ATTR_ZERO_POINTS | DNNL_ARG_DST, yZeroAt, new long[] {1}, dnnl_s32));
        }
    }

    /** Declares the runtime zero points and scales on the primitive's attributes. */
    void setAttributes(dnnl_primitive_attr attributes) {
        if (xZeroPoint) {
            Dnnl.check(dnnl_primitive_attr_set_zero_points_mask(attributes, DNNL_ARG_SRC, 0), "x zero point");
        }
        if (requantized) {
            Dnnl.check(dnnl_primitive_attr_set_scales_mask(attributes, DNNL_ARG_SRC, 0), "x scale");
            Dnnl.check(dnnl_primitive_attr_set_scales_mask(attributes, DNNL_ARG_WEIGHTS,
                    weightScales == 1 ? 0 : perChannelMask), "w scales");
            Dnnl.check(dnnl_primitive_attr_set_scales_mask(attributes, DNNL_ARG_DST, 0), "y scale");
            Dnnl.check(dnnl_primitive_attr_set_zero_points_mask(attributes, DNNL_ARG_DST, 0), "y zero point");
        }
    }

    /** Writes this run's zero points into the step's scratch. */
    void writeZeroPoints(ExecContext ctx) {
        MemorySegment scratch = ctx.scratch();
        if (xZeroPoint) {
            Tensor xZero = ctx.input(X_ZERO_POINT);
            int zero = xZero == null ? 0 : Int8Weights.eightBit(xZero.data(), 0, signed);
            scratch.set(ValueLayout.JAVA_INT, xZeroAt, signed ? zero + UnsignedActivations.SHIFT : zero);
        }
        if (requantized) {
            Tensor yZero = ctx.input(Y_ZERO_POINT);
            scratch.set(ValueLayout.JAVA_INT, yZeroAt, Int8Weights.eightBit(yZero.data(), 0, yZero.dtype() == DType.INT8));
        }
    }
}
