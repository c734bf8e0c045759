package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.graph.Node;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * An ONNX convolution's window as oneDNN's convolution primitives take it: strides, dilations counted from 0
 * (ONNX counts from 1), and the pads of {@code pads} or {@code auto_pad} as the ONNX specification defines them
 * (the output shape comes from the Java operator's validation). Shared by the float and the integer Conv.
 */
record ConvolutionWindow(long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd) {

    /** oneDNN's convolutions have one to three spatial dimensions. */
    static final int MAX_SPATIAL_RANK = 3;

    /** The window of {@code node} for input {@code x}, weights {@code w} and output {@code y} shapes. */
    static ConvolutionWindow of(Node node, long[] x, long[] w, long[] y) {
        int rank = x.length - 2;
        long[] strides = spatialAttribute(node, "strides", rank);
        long[] dilations = spatialAttribute(node, "dilations", rank);
        long[] padsBegin = new long[rank];
        long[] padsEnd = new long[rank];
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] pads = node.attrInts("pads", new long[2 * rank]);
        for (int d = 0; d < rank; d++) {
            long span = dilations[d] * (w[d + 2] - 1) + 1;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long total = Math.max(0, (y[d + 2] - 1) * strides[d] + span - x[d + 2]);
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
        return new ConvolutionWindow(strides, dilations, padsBegin, padsEnd);
    }

    /**
     * The weights {@code [M, C/group, k...]} as oneDNN sees them: the same memory, with a leading
     * {@code group} dimension ({@code [group, M/group, C/group, k...]}) when {@code group > 1}.
     */
    static long[] weightDims(long[] w, long group) {
        if (group == 1) {
            return w;
        }
        long[] grouped = new long[w.length + 1];
        grouped[0] = group;
        grouped[1] = w[0] / group;
        System.arraycopy(w, 1, grouped, 2, w.length - 1);
        return grouped;
    }

    /** A direct forward convolution over this window, from the operands' layouts (bias optional). */
    dnnl_primitive_desc descriptor(NativeResources temp, dnnl_engine engine, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        return temp.primitiveDesc("convolution", pd -> dnnl_convolution_forward_primitive_desc_create(pd, engine,
                dnnl_forward_inference, dnnl_convolution_direct, layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_WEIGHTS),
                layouts.get(DNNL_ARG_BIAS), layouts.get(DNNL_ARG_DST), strides, dilations, padsBegin, padsEnd, attributes));
    }

    private static long[] spatialAttribute(Node node, String name, int rank) {
        long[] ones = new long[rank];
        Arrays.fill(ones, 1);
        return node.attrInts(name, ones);
    }
}
