package dev.jquant.runtime.plan;

import java.util.BitSet;

/**
 * Planning needs the contents, not just the shape, of some graph inputs: an operand that fixes a shape
 * (a Reshape target, Slice bounds, Pad amounts…) is computed from them. The session then keys plans by
 * those inputs' values as well as all shapes, and plans again.
 */
public final class ValuesRequiredException extends RuntimeException {
    private final BitSet graphInputs;

    ValuesRequiredException(BitSet graphInputs, String detail) {
        super(detail, null, false, false);
        this.graphInputs = (BitSet) graphInputs.clone();
    }

    /** Indexes into the graph's inputs whose values are needed. */
    public BitSet graphInputs() {
        return (BitSet) graphInputs.clone();
    }
}
