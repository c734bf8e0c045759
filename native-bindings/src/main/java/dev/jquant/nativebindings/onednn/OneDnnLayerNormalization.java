package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX LayerNormalization (opset 17) on oneDNN's layer normalization, which normalizes the last dimension:
 * X is described as {@code [rows, row length]} (the dimensions from {@code axis} on form a row, contiguous
 * in memory), Scale and B as vectors of the row length. A node that asks for the optional Mean or InvStdDev
 * outputs, or whose Scale or B broadcast, runs on the Java operator.
 */
final class OneDnnLayerNormalization extends OneDnnOperator {

    private float epsilon;
    private boolean shift;

    OneDnnLayerNormalization(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] x = ctx.inputShape(0);
        if ((ctx.outputCount() > 1 && ctx.hasOutput(1)) || (ctx.outputCount() > 2 && ctx.hasOutput(2))
                || x.length == 0 || Tensor.elementCount(x) == 0) {
            return null;
        }
        long a = node.attrInt("axis", -1);
        int axis = (int) (a < 0 ? a + x.length : a);
        long rowLength = 1;
        for (int d = axis; d < x.length; d++) {
            rowLength *= x[d];
        }
        shift = ctx.hasInput(2);
        if (Tensor.elementCount(ctx.inputShape(1)) != rowLength
                || (shift && Tensor.elementCount(ctx.inputShape(2)) != rowLength)) {
            return null;
        }
        epsilon = node.attrFloat("epsilon", 1e-5f);
        long[] rows = {Tensor.elementCount(x) / rowLength, rowLength};
        long[] vector = {rowLength};
        List<Operand> operands = new ArrayList<>();
        operands.add(Operand.input(DNNL_ARG_SRC, 0, rows));
        operands.add(Operand.input(DNNL_ARG_SCALE, 1, vector));
        if (shift) {
            operands.add(Operand.input(DNNL_ARG_SHIFT, 2, vector));
        }
        operands.add(Operand.output(DNNL_ARG_DST, 0, rows));
        return operands;
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        int flags = dnnl_use_scale | (shift ? dnnl_use_shift : 0);
        return temp.primitiveDesc("layer normalization", pd -> dnnl_layer_normalization_forward_primitive_desc_create(
                pd, backend.engine(), dnnl_forward_inference, layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_DST),
                null, epsilon, flags, attributes));
    }
}
