package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * ONNX Softmax and LogSoftmax on oneDNN's softmax primitive ({@code accurate}: shifted by the maximum, as
 * the Java kernels are). From opset 13 the normalization runs along {@code axis}; before, the input is seen
 * as a matrix split at {@code axis} (default 1), which here is the same memory described as two dimensions.
 */
final class OneDnnSoftmax extends OneDnnOperator {

    private final boolean log;
    private int axis;

    OneDnnSoftmax(OneDnnBackend backend, Node node) {
        super(backend, node);
        this.log = node.opType().equals("LogSoftmax");
    }

    @Override
    List<Operand> describe(PrepareContext ctx, long[] outputShape) {
        long[] x = ctx.inputShape(0);
        if (x.length == 0 || x.length > DNNL_MAX_NDIMS || Tensor.elementCount(x) == 0) {
            return null;
        }
        int rank = x.length;
        if (ctx.opset() >= 13) {
            long a = node.attrInt("axis", -1);
            axis = (int) (a < 0 ? a + rank : a);
        } else {
            long a = node.attrInt("axis", 1);
            int split = (int) (a < 0 ? a + rank : a);
            x = new long[] {product(x, 0, split), product(x, split, rank)};
            axis = 1;
        }
        return List.of(Operand.input(DNNL_ARG_SRC, 0, x), Operand.output(DNNL_ARG_DST, 0, x));
    }

    private static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int d = from; d < to; d++) {
            p *= dims[d];
        }
        return p;
    }

    @Override
    dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes) {
        return temp.primitiveDesc("softmax", pd -> dnnl_softmax_forward_primitive_desc_create(pd, backend.engine(),
                dnnl_forward_inference, log ? dnnl_softmax_log : dnnl_softmax_accurate, layouts.get(DNNL_ARG_SRC),
                layouts.get(DNNL_ARG_DST), axis, attributes));
    }
}
