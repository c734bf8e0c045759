package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX MaxPool and AveragePool on FLOAT32 with 1 to 3 spatial dimensions on oneDNN's pooling. The output
 * shape comes from the Java operator's validation; the end padding handed to oneDNN is widened where
 * {@code ceil_mode} lets the last window run past the padded input (the extra cells count as padding:
 * never the maximum, and not counted by an average that excludes padding). Left to the Java operator:
 * MaxPool's Indices output, and an average that counts padding where {@code ceil_mode} adds some, since
 * ONNX does not count those extra cells.
 */
final class OneDnnPooling extends OneDnnOperator {

    private static final int MAX_SPATIAL_RANK = 3;

    private int algorithm;
    private long[] kernel;
    private long[] strides;
    /** oneDNN counts dilation from 0 (no gap), ONNX from 1. */
    private long[] dilations;
    private long[] padsBegin;
    private long[] padsEnd;

    OneDnnPooling(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] x = ctx.inputShape(0);
        int rank = x.length - 2;
        boolean max = node.opType().equals("MaxPool");
        if (ctx.inputType(0) != DType.FLOAT32 || rank < 1 || rank > MAX_SPATIAL_RANK
                || Tensor.elementCount(x) == 0 || Tensor.elementCount(outputShape) == 0
                || (max && ctx.outputCount() > 1 && ctx.hasOutput(1))) {
            return null;
        }
        boolean countPadding = !max && node.attrInt("count_include_pad", 0) != 0;
        algorithm = max ? dnnl_pooling_max : countPadding ? dnnl_pooling_avg_include_padding
                : dnnl_pooling_avg_exclude_padding;
        kernel = node.attrInts("kernel_shape", null);
        strides = spatial("strides", rank);
        dilations = spatial("dilations", rank);
        padsBegin = new long[rank];
        padsEnd = new long[rank];
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] pads = node.attrInts("pads", new long[2 * rank]);
        for (int d = 0; d < rank; d++) {
            long in = x[d + 2];
            long out = outputShape[d + 2];
            long span = dilations[d] * (kernel[d] - 1) + 1;
            long needed = (out - 1) * strides[d] + span - in; // padding both sides must add for the last window
            if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                long total = Math.max(0, needed);
                padsBegin[d] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                padsEnd[d] = total - padsBegin[d];
            } else if (!autoPad.equals("VALID")) {
                padsBegin[d] = pads[d];
                padsEnd[d] = pads[d + rank];
            }
            if ((in + padsBegin[d] + padsEnd[d] - span) / strides[d] + 1 != out) {
                long widened = needed - padsBegin[d];
                if (countPadding || widened < padsEnd[d]) {
                    return null;
                }
                padsEnd[d] = widened;
            }
            dilations[d] -= 1;
        }
        return List.of(Operand.input(DNNL_ARG_SRC, 0, x), Operand.output(DNNL_ARG_DST, 0, outputShape));
    }

    private long[] spatial(String name, int rank) {
        long[] ones = new long[rank];
        Arrays.fill(ones, 1);
        return node.attrInts(name, ones);
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        return temp.primitiveDesc("pooling", pd -> dnnl_pooling_forward_primitive_desc_create(pd, backend.engine(),
                dnnl_forward_inference, algorithm, layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_DST), strides,
                kernel, dilations, padsBegin, padsEnd, attributes));
    }
}
