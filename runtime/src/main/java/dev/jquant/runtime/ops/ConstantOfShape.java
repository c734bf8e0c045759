package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;

/**
 * ONNX ConstantOfShape: a tensor of the shape in input 0, every element the one-element {@code value}
 * attribute (float 0 by default). A plan constant, so the node never runs.
 */
final class ConstantOfShape implements Operator {

    @Override
    public void prepare(PrepareContext ctx) {
        long[] shape = ShapeOperands.ints(ctx.requireConstantInput(0, "shape"), "shape");
        Tensor value = ctx.node().attrTensor("value");
        DType dtype = value == null ? DType.FLOAT32 : value.dtype();
        if (value != null && value.elementCount() != 1) {
            throw new IllegalArgumentException("attribute 'value' must hold one element, got " + value);
        }
        int bytes = ElementBytes.of(dtype);
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("shape " + ShapeOperands.show(shape) + " has a negative dimension");
            }
        }
        Tensor out = Tensor.allocate(dtype, shape);
        if (value != null) {
            ElementBytes.fill(out.data(), 0, out.elementCount(), bytes, ElementBytes.read(value.data(), 0, bytes));
        }
        ctx.setConstantOutput(0, out);
    }

    /** Nothing to compute: the output was set as a constant in prepare. */
    @Override
    public void execute(ExecContext ctx) {
    }
}
