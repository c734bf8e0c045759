package dev.jquant.kernels.conv;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;

/**
 * One planned convolution: knows its geometry and how much scratch memory it needs. An instance runs one
 * call at a time (it may keep the call's arguments in fields for its parallel loops); plan one per user.
 */
public interface Convolution {

    /** Bytes of scratch memory {@link #run} needs (0 when none); the caller provides them 64-byte aligned. */
    long scratchBytes();

    /**
     * Computes the whole output {@code [batch, outChannels, output...]} from the input
     * {@code [batch, inChannels, input...]}, the weight, and {@code bias} ({@code [outChannels]}, or null
     * for none). Input, weight and bias are only read.
     */
    void run(MemorySegment input, MemorySegment weight, MemorySegment bias, MemorySegment output,
            MemorySegment scratch, Parallel parallel);
}
