package dev.jquant.nativebindings.onednn;

import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.PrepareContext;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A matrix product on oneDNN's matmul that may multiply an int8 weight (input 1) as codes: the subclass sets
 * {@link #integer} while describing its operands; then A is quantized into scratch before the primitive, the
 * weight's codes are what gets packed, and the int32 sums become the node's floats after it.
 */
abstract class OneDnnProduct extends OneDnnOperator {

    /** Set when B is multiplied as int8 codes. */
    IntegerProduct integer;

    OneDnnProduct(OneDnnBackend backend, Node node) {
        super(backend, node);
    }

    @Override
    long work(List<Operand> operands) {
        return productWork(operands);
    }

    @Override
    final MemorySegment constantData(PrepareContext ctx, int index) {
        return integer != null && index == 1 ? ctx.quantizedInput(1).codes().data() : super.constantData(ctx, index);
    }

    @Override
    final void beforePrimitive(ExecContext ctx) {
        if (integer != null) {
            integer.quantize(ctx.input(0).data(), ctx.scratch());
        }
    }

    @Override
    final void afterPrimitive(ExecContext ctx) {
        if (integer != null) {
            integer.dequantize(ctx.output(0).data(), ctx.parallel());
        }
    }
}
