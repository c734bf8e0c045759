package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;

/** What an operator sees while it executes: bound input and output tensors, scratch memory and threads. */
public interface ExecContext {

    /** Input {@code i}, or null for an absent optional input. */
    Tensor input(int i);

    /** Output {@code i}, already allocated with the type and shape set in prepare; null when not wanted. */
    Tensor output(int i);

    /** The scratch memory reserved in prepare (empty when none was). */
    MemorySegment scratch();

    /** The session's intra-op threads. */
    Parallel parallel();
}
