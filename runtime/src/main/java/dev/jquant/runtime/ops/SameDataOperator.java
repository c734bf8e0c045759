package dev.jquant.runtime.ops;

import java.lang.foreign.MemorySegment;

/**
 * Base of the operators whose output 0 holds exactly the bytes of input 0, only under another shape:
 * Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout at inference. Execution is one bulk copy; a
 * planner may alias the two buffers instead of running the node.
 */
abstract class SameDataOperator implements Operator {

    @Override
    public void execute(ExecContext ctx) {
        MemorySegment out = ctx.output(0).data();
        MemorySegment.copy(ctx.input(0).data(), 0, out, 0, out.byteSize());
    }
}
