package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX Conv with 1 to 3 spatial dimensions on oneDNN's direct convolution, bias fused. The runtime's
 * NC(D)(H)W activations are reordered channels-last into scratch and back around it: on channels-first
 * tensors oneDNN falls back to im2col and GEMM (measured at 56×56: a 3×3 32→64 conv 66 → 87 GFLOP/s, a
 * depthwise 3×3 3.8 → 13.4, reorders included, 1 thread, BackendOperatorBenchmark). Grouped weights
 * {@code [M, C/group, k...]} are the same memory seen as {@code [group, M/group, C/group, k...]}; constant
 * weights are packed once (see {@link ConvolutionWindow} for the pads).
 */
final class OneDnnConv extends OneDnnOperator {

    private ConvolutionWindow window;
    private long outputChannels;

    OneDnnConv(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    /**
     * A compressed weight is decoded once and convolved in float, as the Java backend does: neither has an
     * integer kernel for jquant's quantized Conv weights.
     */
    @Override
    String whyNotOnCodes(PrepareContext ctx, int index, QuantizedTensor w) {
        return null;
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] x = ctx.inputShape(0);
        long[] w = ctx.inputShape(1);
        if (x.length - 2 > ConvolutionWindow.MAX_SPATIAL_RANK || Tensor.elementCount(outputShape) == 0
                || Tensor.elementCount(x) == 0) {
            return null;
        }
        window = ConvolutionWindow.of(node, x, w, outputShape);
        outputChannels = w[0];
        long[] weights = ConvolutionWindow.weightDims(w, node.attrInt("group", 1));
        long yAt = (Tensor.elementCount(x) * Float.BYTES + 63) / 64 * 64;
        ctx.reserveScratch(yAt + Tensor.elementCount(outputShape) * Float.BYTES);
        Operand channelsLastX = Operand.scratch(DNNL_ARG_SRC, 0, x, Dnnl.channelsLastStrides(x), dnnl_f32);
        reorder(true, Operand.input(DNNL_ARG_FROM, 0, x), channelsLastX);
        Operand channelsLastY = Operand.scratch(DNNL_ARG_DST, yAt, outputShape, Dnnl.channelsLastStrides(outputShape), dnnl_f32);
        reorder(false, channelsLastY, Operand.output(DNNL_ARG_TO, 0, outputShape));
        List<Operand> operands = new ArrayList<>();
        operands.add(channelsLastX);
        operands.add(Operand.weights(DNNL_ARG_WEIGHTS, 1, weights, Dnnl.rowMajorStrides(weights), ctx.constantInput(1) != null));
        if (ctx.hasInput(2)) {
            operands.add(Operand.input(DNNL_ARG_BIAS, 2, new long[] {w[0]}));
        }
        operands.add(channelsLastY);
        return operands;
    }

    @Override
    long work(List<Operand> operands) {
        return convolutionWork(operands, outputChannels);
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        return window.descriptor(temp, backend.engine(), layouts, attributes);
    }
}
