package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;

/**
 * ONNX Dropout at inference: the input unchanged, and the optional mask output all true (BOOL from opset
 * 10, the input's type before). Training mode (input 2, opset 12) is accepted only with a ratio of 0, which
 * drops nothing; any other ratio would need random numbers and is refused.
 */
final class Dropout extends SameDataOperator {

    @Override
    public void prepare(PrepareContext ctx) {
        if (ctx.hasInput(2) && isTrue(ctx.requireConstantInput(2, "training_mode")) && ratio(ctx) != 0) {
            throw new UnsupportedVariantException("training_mode=true with a ratio above 0 is not supported; "
                    + "jquant runs inference only");
        }
        long[] shape = ctx.inputShape(0);
        ctx.setOutput(0, ctx.inputType(0), shape);
        if (ctx.hasOutput(1)) {
            DType maskType = ctx.opset() >= 10 ? DType.BOOL : ctx.inputType(0);
            int bytes = ElementBytes.of(maskType);
            Tensor mask = Tensor.allocate(maskType, shape);
            ElementBytes.fill(mask.data(), 0, mask.elementCount(), bytes, ElementBytes.bitsOf(maskType, 1));
            ctx.setConstantOutput(1, mask);
        }
    }

    private static boolean isTrue(Tensor training) {
        if (training.dtype() != DType.BOOL || training.elementCount() != 1) {
            throw new IllegalArgumentException("training_mode must be a BOOL scalar, got " + training);
        }
        return training.toLongArrayWidening()[0] != 0;
    }

    /** The drop ratio (input 1), 0.5 when absent as the spec says. */
    private static double ratio(PrepareContext ctx) {
        if (!ctx.hasInput(1)) {
            return 0.5;
        }
        Tensor ratio = ctx.requireConstantInput(1, "ratio");
        return switch (ratio.dtype()) {
            case FLOAT32 -> ratio.getFloat(0);
            case FLOAT64 -> ratio.data().get(Tensor.F64, 0);
            case FLOAT16 -> Float.float16ToFloat(ratio.data().get(Tensor.I16, 0));
            default -> throw new IllegalArgumentException("ratio must be FLOAT32, FLOAT64 or FLOAT16, got " + ratio);
        };
    }
}
