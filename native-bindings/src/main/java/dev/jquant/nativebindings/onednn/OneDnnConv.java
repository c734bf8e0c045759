package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX Conv with 1 to 3 spatial dimensions on oneDNN's direct convolution, bias fused. Activations stay
 * in the runtime's plain NC(D)(H)W layout; grouped weights {@code [M, C/group, k...]} are the same memory
 * seen as {@code [group, M/group, C/group, k...]}; constant weights are packed once. The pads follow
 * {@code pads} or {@code auto_pad} as the ONNX specification defines them (the output shape comes from
 * the Java operator's validation).
 */
final class OneDnnConv extends OneDnnOperator {

    /** oneDNN's convolutions have one to three spatial dimensions. */
    private static final int MAX_SPATIAL_RANK = 3;

    private long[] strides;
    /** oneDNN counts dilation from 0 (no gap), ONNX from 1. */
    private long[] dilations;
    private long[] padsBegin;
    private long[] padsEnd;

    OneDnnConv(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] x = ctx.inputShape(0);
        long[] w = ctx.inputShape(1);
        int rank = x.length - 2;
        if (rank > MAX_SPATIAL_RANK || Tensor.elementCount(outputShape) == 0 || Tensor.elementCount(x) == 0) {
            return null;
        }
        strides = spatialAttribute("strides", rank);
        dilations = spatialAttribute("dilations", rank);
        padsBegin = new long[rank];
        padsEnd = new long[rank];
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] pads = node.attrInts("pads", new long[2 * rank]);
        for (int d = 0; d < rank; d++) {
            long span = dilations[d] * (w[d + 2] - 1) + 1;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long total = Math.max(0, (outputShape[d + 2] - 1) * strides[d] + span - x[d + 2]);
                    padsBegin[d] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    padsEnd[d] = total - padsBegin[d];
                }
                case "VALID" -> {
                }
                default -> {
                    padsBegin[d] = pads[d];
                    padsEnd[d] = pads[d + rank];
                }
            }
            dilations[d] -= 1;
        }

        long group = node.attrInt("group", 1);
        long[] weights = w;
        if (group > 1) {
            weights = new long[w.length + 1];
            weights[0] = group;
            weights[1] = w[0] / group;
            System.arraycopy(w, 1, weights, 2, w.length - 1);
        }
        List<Operand> operands = new ArrayList<>();
        operands.add(Operand.input(DNNL_ARG_SRC, 0, x));
        operands.add(Operand.weights(DNNL_ARG_WEIGHTS, 1, weights, Dnnl.rowMajorStrides(weights), ctx.constantInput(1) != null));
        if (ctx.hasInput(2)) {
            operands.add(Operand.input(DNNL_ARG_BIAS, 2, new long[] {w[0]}));
        }
        operands.add(Operand.output(DNNL_ARG_DST, 0, outputShape));
        return operands;
    }

    private long[] spatialAttribute(String name, int rank) {
        long[] ones = new long[rank];
        Arrays.fill(ones, 1);
        return node.attrInts(name, ones);
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        return temp.primitiveDesc("convolution", pd -> dnnl_convolution_forward_primitive_desc_create(pd,
                backend.engine(), dnnl_forward_inference, dnnl_convolution_direct, layouts.get(DNNL_ARG_SRC),
                layouts.get(DNNL_ARG_WEIGHTS), layouts.get(DNNL_ARG_BIAS), layouts.get(DNNL_ARG_DST), strides,
                dilations, padsBegin, padsEnd, attributes));
    }
}
