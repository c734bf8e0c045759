package dev.jquant.runtime.ops;

import static dev.jquant.runtime.ops.ShapeOperands.show;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ONNX Resize, opsets 10 to 19, over any number of axes. The output size comes from {@code scales}
 * ({@code floor(length * scale)}, in float as ONNX Runtime computes it) or from {@code sizes} (opset 11;
 * with {@code axes} and {@code keep_aspect_ratio_policy} from opset 18), the scale then being
 * {@code size / length} in double, as in the ONNX reference. Modes:
 * <ul>
 *   <li>nearest, any element type: every axis reads through an index map ({@code nearest_mode} rounding);</li>
 *   <li>linear and cubic, FLOAT32: one separable pass per resized axis (with {@code cubic_coeff_a},
 *       {@code exclude_outside} and, opset 18, {@code antialias}).</li>
 * </ul>
 * Opset 10 had no coordinate or rounding attributes; it follows ONNX Runtime: asymmetric coordinates, and
 * nearest rounds down when enlarging an axis and up when shrinking it.
 */
final class Resize implements Operator {

    private static final List<String> MODES = List.of("nearest", "linear", "cubic");
    private static final List<String> NEAREST_MODES = List.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil");
    private static final List<String> ASPECT_POLICIES = List.of("stretch", "not_larger", "not_smaller");

    /** Set for nearest mode. */
    private AxisMapCopy gather;
    private long fillBits;
    /** Set for linear and cubic: passes from the last axis to the first, and where they put intermediates. */
    private ResampleAxis[] passes;
    private long intermediateBytes;
    private float extrapolation;

    @Override
    public void prepare(PrepareContext ctx) {
        Node node = ctx.node();
        long[] in = ctx.inputShape(0);
        int rank = in.length;
        DType dtype = ctx.inputType(0);
        String mode = oneOf(node, "mode", "nearest", MODES);
        boolean legacy = ctx.opset() < 11;
        String coordinateMode = legacy ? "asymmetric" : node.attrString("coordinate_transformation_mode", "half_pixel");
        if (!ResizeCoordinates.MODES.contains(coordinateMode)) {
            throw new IllegalArgumentException("coordinate_transformation_mode '" + coordinateMode
                    + "' is not supported; valid: " + ResizeCoordinates.MODES);
        }
        int[] axes = axes(node, rank);

        Tensor scalesInput = legacy ? ctx.requireConstantInput(1, "scales") : nonEmptyConstant(ctx, 2, "scales");
        Tensor sizesInput = legacy ? null : nonEmptyConstant(ctx, 3, "sizes");
        if ((scalesInput == null) == (sizesInput == null)) {
            throw new IllegalArgumentException("exactly one of scales (input 2) and sizes (input 3) must be given");
        }
        double[] scale = new double[rank];
        long[] out = in.clone();
        double[] outWidth = new double[rank];
        Arrays.fill(scale, 1);
        if (scalesInput != null) {
            float[] given = floats(scalesInput, "scales", axes.length);
            for (int i = 0; i < axes.length; i++) {
                int a = axes[i];
                if (!(given[i] > 0)) {
                    throw new IllegalArgumentException("scales " + Arrays.toString(given) + " must be > 0");
                }
                scale[a] = given[i];
                out[a] = (long) (in[a] * given[i]); // in float, as ONNX Runtime: 10 * 0.7f gives 7, not 6
            }
        } else {
            sizesFromInput(node, in, axes, ShapeOperands.ints(sizesInput, "sizes"), scale, out);
        }
        boolean exactSizes = sizesInput != null && node.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch");
        for (int a = 0; a < rank; a++) {
            outWidth[a] = exactSizes ? out[a] : scale[a] * in[a];
        }

        double[] roi = coordinateMode.equals(ResizeCoordinates.CROP) ? roi(ctx, axes, rank) : null;
        extrapolation = node.attrFloat("extrapolation_value", 0);
        ResizeCoordinates[] coordinates = new ResizeCoordinates[rank];
        for (int a = 0; a < rank; a++) {
            if (in[a] == 0 && out[a] > 0) {
                throw new IllegalArgumentException("cannot resize empty axis " + a + " of " + show(in) + " to " + out[a]);
            }
            coordinates[a] = new ResizeCoordinates(coordinateMode, in[a], out[a], outWidth[a], scale[a],
                    roi == null ? 0 : roi[a], roi == null ? 1 : roi[rank + a]);
        }

        if (mode.equals("nearest")) {
            String rounding = legacy ? null : oneOf(node, "nearest_mode", "round_prefer_floor", NEAREST_MODES);
            long[][] maps = new long[rank][];
            for (int a = 0; a < rank; a++) {
                maps[a] = nearestMap(coordinates[a], rounding);
            }
            gather = new AxisMapCopy(in, maps, ElementBytes.of(dtype));
            fillBits = ElementBytes.bitsOf(dtype, extrapolation);
        } else {
            if (dtype != DType.FLOAT32) {
                throw new UnsupportedVariantException("mode '" + mode + "' supports FLOAT32 input, got " + dtype
                        + " (mode 'nearest' supports every type)");
            }
            planPasses(node, in, out, coordinates, mode.equals("linear") ? ResizeFilter.LINEAR : ResizeFilter.CUBIC, ctx);
        }
        ctx.setOutput(0, dtype, out);
    }

    private static String oneOf(Node node, String attribute, String defaultValue, List<String> valid) {
        String v = node.attrString(attribute, defaultValue);
        if (!valid.contains(v)) {
            throw new UnsupportedVariantException(attribute + " '" + v + "' is not supported; valid: " + valid);
        }
        return v;
    }

    private static int[] axes(Node node, int rank) {
        long[] axes = node.attrInts("axes", null);
        if (axes == null) {
            int[] all = new int[rank];
            Arrays.setAll(all, i -> i);
            return all;
        }
        return ShapeOperands.axes(axes, rank, "axes");
    }

    /** Input {@code i} when it is given with at least one element (opset 11-12 pass empty tensors for "absent"). */
    private static Tensor nonEmptyConstant(PrepareContext ctx, int i, String what) {
        if (!ctx.hasInput(i) || ctx.inputShape(i).length == 1 && ctx.inputShape(i)[0] == 0) {
            return null;
        }
        return ctx.requireConstantInput(i, what);
    }

    private static float[] floats(Tensor t, String what, int count) {
        if (t.dtype() != DType.FLOAT32 || t.elementCount() != count) {
            throw new IllegalArgumentException(what + " must be FLOAT32 with one value per resized axis (" + count
                    + "), got " + t);
        }
        return t.toFloatArray();
    }

    private static void sizesFromInput(Node node, long[] in, int[] axes, long[] sizes, double[] scale, long[] out) {
        if (sizes.length != axes.length) {
            throw new IllegalArgumentException("sizes " + Arrays.toString(sizes) + " must have one value per resized axis ("
                    + axes.length + ")");
        }
        String policy = oneOf(node, "keep_aspect_ratio_policy", "stretch", ASPECT_POLICIES);
        double kept = policy.equals("not_larger") ? Double.MAX_VALUE : 0;
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            if (sizes[i] < 0) {
                throw new IllegalArgumentException("sizes " + Arrays.toString(sizes) + " must be >= 0");
            }
            scale[a] = in[a] == 0 ? 1 : (double) sizes[i] / in[a];
            out[a] = sizes[i];
            kept = policy.equals("not_larger") ? Math.min(kept, scale[a]) : Math.max(kept, scale[a]);
        }
        if (!policy.equals("stretch")) {
            for (int a : axes) {
                scale[a] = kept;
                out[a] = (long) (in[a] * kept + 0.5);
            }
        }
    }

    /** The region of interest as {@code [starts..., ends...]} over all axes (0 and 1 for axes not resized). */
    private static double[] roi(PrepareContext ctx, int[] axes, int rank) {
        Tensor t = ctx.requireConstantInput(1, "roi");
        if (t.elementCount() != 2L * axes.length) {
            throw new IllegalArgumentException("roi must hold " + 2 * axes.length + " values (starts, then ends), got " + t);
        }
        double[] given = new double[2 * axes.length];
        for (int i = 0; i < given.length; i++) {
            given[i] = switch (t.dtype()) {
                case FLOAT32 -> t.getFloat(i);
                case FLOAT64 -> t.data().getAtIndex(Tensor.F64, i);
                case FLOAT16 -> Float.float16ToFloat(t.data().getAtIndex(Tensor.I16, i));
                default -> throw new IllegalArgumentException("roi must be FLOAT32, FLOAT64 or FLOAT16, got " + t);
            };
        }
        double[] roi = new double[2 * rank];
        Arrays.fill(roi, rank, 2 * rank, 1);
        for (int i = 0; i < axes.length; i++) {
            roi[axes[i]] = given[i];
            roi[rank + axes[i]] = given[axes.length + i];
        }
        return roi;
    }

    /** Input index per output index; {@code rounding} null selects opset 10's rule. */
    private static long[] nearestMap(ResizeCoordinates c, String rounding) {
        long[] map = new long[Math.toIntExact(c.outLength())];
        for (int x = 0; x < map.length; x++) {
            double original = c.original(x);
            if (c.outside(original)) {
                map[x] = AxisMapCopy.FILL;
                continue;
            }
            double floor = Math.floor(original);
            double fraction = original - floor;
            double picked;
            if (rounding == null) {
                picked = c.scale() < 1 ? Math.ceil(original) : floor;
            } else if (fraction == 0) {
                picked = original;
            } else {
                picked = switch (rounding) {
                    case "round_prefer_floor" -> fraction <= 0.5 ? floor : floor + 1;
                    case "round_prefer_ceil" -> fraction < 0.5 ? floor : floor + 1;
                    case "floor" -> floor;
                    default -> floor + 1;
                };
            }
            map[x] = (long) Math.clamp(picked, 0, c.inLength() - 1);
        }
        return map;
    }

    private void planPasses(Node node, long[] in, long[] out, ResizeCoordinates[] coordinates, ResizeFilter filter,
            PrepareContext ctx) {
        boolean excludeOutside = node.attrInt("exclude_outside", 0) != 0;
        boolean antialias = node.attrInt("antialias", 0) != 0;
        double cubicA = node.attrFloat("cubic_coeff_a", -0.75f);
        List<ResampleAxis> planned = new ArrayList<>();
        long[] shape = in.clone();
        long largest = 0;
        for (int a = in.length - 1; a >= 0; a--) {
            ResampleAxis pass = pass(shape, a, coordinates[a], filter, antialias, excludeOutside, cubicA);
            if (pass.isIdentity()) {
                continue;
            }
            if (!planned.isEmpty()) {
                largest = Math.max(largest, Tensor.elementCount(shape) * Float.BYTES);
            }
            planned.add(pass);
            shape[a] = out[a];
        }
        passes = planned.toArray(ResampleAxis[]::new);
        intermediateBytes = (largest + 63) / 64 * 64;
        ctx.reserveScratch(intermediateBytes * Math.min(2, Math.max(0, passes.length - 1)));
    }

    private static ResampleAxis pass(long[] shape, int axis, ResizeCoordinates c, ResizeFilter filter, boolean antialias,
            boolean excludeOutside, double cubicA) {
        int outLength = Math.toIntExact(c.outLength());
        double scale = c.scale();
        int first = filter.firstTap(scale, antialias);
        int taps = filter.taps(scale, antialias);
        long[] index = new long[outLength * taps];
        float[] weight = new float[outLength * taps];
        boolean[] outside = new boolean[outLength];
        for (int x = 0; x < outLength; x++) {
            double original = c.original(x);
            if (c.outside(original)) {
                outside[x] = true;
                continue;
            }
            double left = Math.ceil(original) - 1;
            double[] w = filter.weights(original - left, scale, antialias, cubicA);
            for (int t = 0; t < taps; t++) {
                long i = (long) left + first + t;
                if (excludeOutside && (i < 0 || i >= c.inLength())) {
                    w[t] = 0;
                }
                index[x * taps + t] = Math.clamp(i, 0, c.inLength() - 1);
            }
            if (excludeOutside) {
                ResizeFilter.normalized(w);
            }
            for (int t = 0; t < taps; t++) {
                weight[x * taps + t] = (float) w[t];
            }
        }
        return new ResampleAxis(shape, axis, outLength, taps, index, weight, outside);
    }

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment src = ctx.input(0).data();
        MemorySegment dst = ctx.output(0).data();
        if (gather != null) {
            gather.run(src, dst, fillBits);
        } else if (passes.length == 0) {
            MemorySegment.copy(src, 0, dst, 0, dst.byteSize());
        } else {
            MemorySegment scratch = ctx.scratch();
            for (int p = 0; p < passes.length; p++) {
                MemorySegment to = p == passes.length - 1 ? dst : scratch.asSlice((p % 2) * intermediateBytes);
                passes[p].run(src, to, extrapolation);
                src = to;
            }
        }
    }
}
