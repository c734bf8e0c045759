package dev.jquant.bench.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/** Off-heap float32 inputs with reproducible contents, laid out as the runtime lays out tensors. */
final class RandomFloats {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Tensors and the model file's data start on 64-byte boundaries (design.md), and so do these. */
    private static final long ALIGNMENT_BYTES = 64;

    private RandomFloats() {
    }

    /** {@code count} floats drawn uniformly from {@code [-range, range)} with {@code seed}, 64-byte aligned. */
    static MemorySegment uniform(Arena arena, long count, float range, long seed) {
        MemorySegment segment = zeros(arena, count);
        SplittableRandom random = new SplittableRandom(seed);
        for (long i = 0; i < count; i++) {
            segment.setAtIndex(F32, i, (float) ((random.nextDouble() * 2 - 1) * range));
        }
        return segment;
    }

    /** {@code count} zeros, 64-byte aligned (at least one byte, so an empty shape still has a segment). */
    static MemorySegment zeros(Arena arena, long count) {
        return arena.allocate(Math.max(1, count * Float.BYTES), ALIGNMENT_BYTES);
    }
}
