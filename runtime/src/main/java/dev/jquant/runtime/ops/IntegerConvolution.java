package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.conv.Window;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;

/**
 * The exact int32 convolution of ConvInteger and QLinearConv: x {@code [N, C, D1..Dr]} and w
 * {@code [M, C/group, k1..kr]}, both UINT8 or INT8, each output the sum of
 * {@code (x − x_zero_point)·(w − w_zero_point)} over the input channels of its group and the window taps
 * inside the input, with the attributes of Conv ({@code group}, {@code strides}, {@code dilations},
 * {@code pads}, {@code auto_pad}). Taps in the padding add nothing, as if the padding held x's zero point.
 * x's zero point is per tensor; w's per tensor or per output channel ({@code [M]}). Sums wrap in 32 bits.
 *
 * <p>With constant weights that fit int8 after their zero points, {@link #planGemm} hands the work to the int8
 * GEMM ({@link PatchGemmConvolution}); otherwise plain integer loops, output planes spread over the threads. The
 * window geometry is Conv's.
 */
final class IntegerConvolution {

    private final String xName;
    private final int xInput;
    private final String xZeroName;
    private final int xZeroInput;
    private final String wName;
    private final int wInput;
    private final String wZeroName;
    private final int wZeroInput;
    private final Parallel.RangeTask planes = this::convolvePlanes;

    private boolean xSigned;
    private boolean wSigned;
    private int channels;
    private int filters;
    private int group;
    private Window window;
    private long[] outputShape;
    private boolean wZeroPerChannel;
    private final int[] xZero = new int[1];
    private int[] wZeros;
    // This run's memory, for the chunks of the parallel loop (fields, so that it allocates nothing).
    private MemorySegment x;
    private MemorySegment w;
    private MemorySegment out;
    /** Set when the weights are constant and fit int8 after their zero points: the int8 GEMM runs it. */
    private PatchGemmConvolution gemm;

    /** Operands named {@code xName} and {@code wName} at these inputs. */
    IntegerConvolution(String xName, int xInput, int xZeroInput, String wName, int wInput, int wZeroInput) {
        this.xName = xName + " (input " + xInput + ")";
        this.xInput = xInput;
        this.xZeroName = xName.toLowerCase(Locale.ROOT) + "_zero_point (input " + xZeroInput + ")";
        this.xZeroInput = xZeroInput;
        this.wName = wName + " (input " + wInput + ")";
        this.wInput = wInput;
        this.wZeroName = wName.toLowerCase(Locale.ROOT) + "_zero_point (input " + wZeroInput + ")";
        this.wZeroInput = wZeroInput;
    }

    void prepare(PrepareContext ctx) {
        DType xType = QuantizedElements.require(ctx, xInput, xName, QuantizedElements.EIGHT_BIT);
        DType wType = QuantizedElements.require(ctx, wInput, wName, QuantizedElements.EIGHT_BIT);
        xSigned = xType == DType.INT8;
        wSigned = wType == DType.INT8;
        long[] xShape = ctx.inputShape(xInput);
        long[] wShape = ctx.inputShape(wInput);
        if (xShape.length < 3) {
            throw new IllegalArgumentException(xName + " must be [N, C, D1, ...] with at least one spatial dimension, was "
                    + ShapeOperands.show(xShape));
        }
        if (wShape.length != xShape.length) {
            throw new IllegalArgumentException(wName + " must have the rank of " + xName + ", " + xShape.length
                    + " ([M, C/group, k1, ...]), was " + ShapeOperands.show(wShape));
        }
        group = NeuralOperators.toInt(ctx.node().attrInt("group", 1), "group");
        channels = NeuralOperators.toInt(xShape[1], "C");
        filters = NeuralOperators.toInt(wShape[0], "M");
        if (group < 1 || wShape[1] * group != channels || filters % group != 0) {
            throw new IllegalArgumentException(xName + " " + ShapeOperands.show(xShape) + " and " + wName + " "
                    + ShapeOperands.show(wShape) + " do not fit attribute 'group' = " + group + ": need C = group·W[1] "
                    + "and M divisible by group");
        }
        if (ctx.hasInput(xZeroInput)) {
            ElementTypes.requireSame(xName, xType, xZeroName, ctx.inputType(xZeroInput));
            QuantizedElements.requireOneValue(ctx, xZeroInput, xZeroName);
        }
        wZeroPerChannel = false;
        if (ctx.hasInput(wZeroInput)) {
            ElementTypes.requireSame(wName, wType, wZeroName, ctx.inputType(wZeroInput));
            long[] zeroShape = ctx.inputShape(wZeroInput);
            wZeroPerChannel = Tensor.elementCount(zeroShape) != 1;
            if (wZeroPerChannel && !Arrays.equals(zeroShape, new long[] {filters})) {
                throw new IllegalArgumentException(wZeroName + " must be one value (per tensor) or [" + filters
                        + "] (per output channel), was " + ShapeOperands.show(zeroShape));
            }
        }
        wZeros = new int[wZeroPerChannel ? filters : 1];
        int[] kernel = WindowAttributes.kernel(ctx.node(), xShape.length - 2, WindowAttributes.spatial(wShape, wName));
        window = WindowAttributes.forward(ctx.node(), WindowAttributes.spatial(xShape, xName), kernel, false);
        outputShape = new long[xShape.length];
        outputShape[0] = xShape[0];
        outputShape[1] = filters;
        for (int d = 0; d < window.rank(); d++) {
            outputShape[d + 2] = window.output(d);
        }
        NeuralOperators.toInt(xShape[0] * filters, "the batch times M");
    }

    /**
     * Plans the int8 GEMM form where the weights allow it (see {@link PatchGemmConvolution}); it uses the step's
     * scratch from byte {@code scratchOffset} on, which this reserves.
     */
    void planGemm(PrepareContext ctx, long scratchOffset) {
        gemm = PatchGemmConvolution.of(ctx, wInput, wZeroInput, channels, filters, group, window, xSigned, wSigned,
                scratchOffset);
        if (gemm != null) {
            ctx.reserveScratch(gemm.scratchEnd());
        }
    }

    long[] outputShape() {
        return outputShape.clone();
    }

    /** Output channels (M). */
    int filters() {
        return filters;
    }

    /** Writes the int32 convolution, {@code [N, M, outputs...]}, into {@code into}. */
    void convolve(ExecContext ctx, MemorySegment into) {
        x = ctx.input(xInput).data();
        w = ctx.input(wInput).data();
        out = into;
        Tensor xz = ctx.input(xZeroInput);
        xZero[0] = xz == null ? 0 : QuantizedElements.eightBit(xz.data(), 0, xSigned);
        if (gemm != null) {
            gemm.convolve(x, xZero[0], outputShape[0], ctx.scratch(), into, ctx.parallel());
            return;
        }
        Tensor wz = ctx.input(wZeroInput);
        for (int i = 0; i < wZeros.length; i++) {
            wZeros[i] = wz == null ? 0 : QuantizedElements.eightBit(wz.data(), i, wSigned);
        }
        ctx.parallel().forRange((int) (outputShape[0] * filters), 1, planes);
    }

    /** Output planes {@code [start, end)}, one per (image, output channel). */
    private void convolvePlanes(int start, int end) {
        int inSize = window.inputSize();
        int outSize = window.outputSize();
        int taps = window.kernelSize();
        int perGroupIn = channels / group;
        int perGroupOut = filters / group;
        int zx = xZero[0];
        for (int plane = start; plane < end; plane++) {
            int image = plane / filters;
            int oc = plane % filters;
            int zw = wZeros[wZeroPerChannel ? oc : 0];
            long xBase = ((long) image * channels + (long) oc / perGroupOut * perGroupIn) * inSize;
            long wBase = (long) oc * perGroupIn * taps;
            for (int o = 0; o < outSize; o++) {
                int acc = 0;
                for (int t = 0; t < taps; t++) {
                    int i = inputPosition(window, o, t);
                    if (i < 0) {
                        continue;
                    }
                    for (int icl = 0; icl < perGroupIn; icl++) {
                        int xv = QuantizedElements.eightBit(x, xBase + (long) icl * inSize + i, xSigned) - zx;
                        int wv = QuantizedElements.eightBit(w, wBase + (long) icl * taps + t, wSigned) - zw;
                        acc += xv * wv;
                    }
                }
                out.setAtIndex(Tensor.I32, (long) plane * outSize + o, acc);
            }
        }
    }

    /** The input position output {@code o} of {@code window} reads at tap {@code t}, or -1 when it lies in the padding. */
    static int inputPosition(Window window, int o, int t) {
        int index = 0;
        int scale = 1;
        for (int d = window.rank() - 1; d >= 0; d--) {
            int od = o % window.output(d);
            int td = t % window.kernel(d);
            o /= window.output(d);
            t /= window.kernel(d);
            int id = od * window.stride(d) + td * window.dilation(d) - window.padBegin(d);
            if (id < 0 || id >= window.input(d)) {
                return -1;
            }
            index += id * scale;
            scale *= window.input(d);
        }
        return index;
    }
}
