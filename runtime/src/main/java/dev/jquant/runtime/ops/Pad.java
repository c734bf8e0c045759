package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * ONNX Pad: adds {@code pads[i]} elements before and {@code pads[i + n]} after each axis (negative pads crop).
 * Modes: constant (the {@code value} attribute before opset 11, input 2 from 11, else 0), reflect (mirror
 * without repeating the edge), edge (repeat the edge) and wrap (opset 19, periodic). Pads are the
 * {@code pads} attribute before opset 11 and input 1 from 11; input 3 (opset 18) limits them to some axes.
 */
final class Pad implements Operator {

    private static final List<String> MODES = List.of("constant", "reflect", "edge", "wrap");

    private AxisMapCopy copy;
    private int elementBytes;
    private long fillBits;
    private boolean fillFromInput;

    @Override
    public void prepare(PrepareContext ctx) {
        long[] in = ctx.inputShape(0);
        int rank = in.length;
        DType dtype = ctx.inputType(0);
        elementBytes = ElementBytes.of(dtype);
        String mode = ctx.node().attrString("mode", "constant");
        if (!MODES.contains(mode)) {
            throw new UnsupportedVariantException("mode '" + mode + "' is not supported; valid: " + MODES);
        }
        long[] pads;
        int[] axes;
        if (ctx.opset() < 11) {
            pads = ctx.node().attrInts("pads", null);
            if (pads == null) {
                throw new IllegalArgumentException("attribute 'pads' is required before opset 11");
            }
            fillBits = ElementBytes.bitsOf(dtype, ctx.node().attrFloat("value", 0));
            axes = allAxes(rank);
        } else {
            pads = ShapeOperands.ints(ctx.requireConstantInput(1, "pads"), "pads");
            fillFromInput = ctx.hasInput(2);
            if (fillFromInput && ctx.inputType(2) != dtype) {
                throw new IllegalArgumentException("constant_value is " + ctx.inputType(2) + ", the data is " + dtype);
            }
            axes = ctx.hasInput(3)
                    ? ShapeOperands.axes(ShapeOperands.ints(ctx.requireConstantInput(3, "axes"), "axes"), rank, "axes")
                    : allAxes(rank);
        }
        if (pads.length != 2 * axes.length) {
            throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " must have 2 x " + axes.length
                    + " entries (all begins, then all ends) for input shape " + show(in));
        }
        long[][] maps = new long[rank][];
        long[] out = in.clone();
        for (int a = 0; a < rank; a++) {
            maps[a] = new long[Math.toIntExact(in[a])];
            Arrays.setAll(maps[a], i -> i);
        }
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            out[a] = in[a] + pads[i] + pads[i + axes.length];
            if (out[a] < 0) {
                throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " crop axis " + a + " of " + show(in)
                        + " below zero");
            }
            maps[a] = map(in[a], pads[i], out[a], mode, a);
        }
        copy = new AxisMapCopy(in, maps, elementBytes);
        ctx.setOutput(0, dtype, out);
    }

    private static int[] allAxes(int rank) {
        int[] axes = new int[rank];
        Arrays.setAll(axes, i -> i);
        return axes;
    }

    /** For each output index along one axis, the input index it reads, or FILL. */
    private static long[] map(long inLength, long before, long outLength, String mode, int axis) {
        if (inLength == 0 && outLength > 0 && !mode.equals("constant")) {
            throw new IllegalArgumentException("cannot pad axis " + axis + " in mode '" + mode + "': it is empty");
        }
        long[] map = new long[Math.toIntExact(outLength)];
        for (int o = 0; o < map.length; o++) {
            long j = o - before;
            map[o] = switch (mode) {
                case "constant" -> j >= 0 && j < inLength ? j : AxisMapCopy.FILL;
                case "edge" -> Math.clamp(j, 0, inLength - 1);
                case "wrap" -> Math.floorMod(j, inLength);
                default -> reflect(j, inLength);
            };
        }
        return map;
    }

    /** Mirror about the first and last element, repeatedly: period 2(n-1), as numpy's 'reflect'. */
    private static long reflect(long j, long n) {
        if (n == 1) {
            return 0;
        }
        long period = 2 * (n - 1);
        long m = Math.floorMod(j, period);
        return m < n ? m : period - m;
    }

    @Override
    public void execute(ExecContext ctx) {
        Tensor value = fillFromInput ? ctx.input(2) : null;
        long fill = value == null || value.elementCount() == 0 ? fillBits : ElementBytes.read(value.data(), 0, elementBytes);
        copy.run(ctx.input(0).data(), ctx.output(0).data(), fill);
    }
}
