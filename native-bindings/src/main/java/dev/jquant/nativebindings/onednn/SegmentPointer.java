package dev.jquant.nativebindings.onednn;

import org.bytedeco.javacpp.Pointer;

/**
 * A JavaCPP pointer aimed at a {@link java.lang.foreign.MemorySegment}'s address: how jquant's arena
 * memory and mapped weights reach oneDNN without copies. Re-aimed before each use, so a run allocates
 * no pointer objects.
 */
final class SegmentPointer extends Pointer {

    SegmentPointer at(long address) {
        this.address = address;
        return this;
    }
}
