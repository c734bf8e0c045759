package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX Gelu (and the compressor's fused erf GELU) on oneDNN's eltwise primitive, {@code gelu_erf} or, for
 * {@code approximate="tanh"}, {@code gelu_tanh}; FLOAT32 only, seen as one flat vector.
 */
final class OneDnnGelu extends OneDnnOperator {

    OneDnnGelu(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        if (ctx.inputType(0) != DType.FLOAT32) {
            return onJava("oneDNN's GELU runs on float32 only");
        }
        long count = Tensor.elementCount(ctx.inputShape(0));
        if (count == 0) {
            return onJava("nothing to compute");
        }
        long[] flat = {count};
        return List.of(Operand.input(DNNL_ARG_SRC, 0, flat), Operand.output(DNNL_ARG_DST, 0, flat));
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        int algorithm = node.attrString("approximate", "none").equals("tanh") ? dnnl_eltwise_gelu_tanh : dnnl_eltwise_gelu_erf;
        return temp.primitiveDesc("GELU", pd -> dnnl_eltwise_forward_primitive_desc_create(pd, backend.engine(),
                dnnl_forward_inference, algorithm, layouts.get(DNNL_ARG_SRC), layouts.get(DNNL_ARG_DST), 0f, 0f, attributes));
    }
}
