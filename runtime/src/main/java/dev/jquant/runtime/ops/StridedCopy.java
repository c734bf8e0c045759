package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Copies every element of a strided view of one buffer into a strided view of another: the engine behind
 * Transpose, Slice, Expand and Tile. Planned once from element strides (negative for reversed slices, zero
 * for broadcast): dimensions of size 1 are dropped and neighbours laid out contiguously in both views are
 * merged, so the inner loop is the longest contiguous run and becomes one bulk copy. When the destination's
 * inner run is strided in the source (a transpose of the two fastest axes), the copy goes in square tiles so
 * that both sides stay in cache.
 */
final class StridedCopy {

    /** Copies smaller than this run on the calling thread: thread hand-off costs more than it saves. */
    private static final long PARALLEL_MIN_BYTES = 1 << 20;
    /** Side of a transposed tile, in elements: 32 x 32 x 8 bytes = 8 KiB per side at most, well inside L1+L2. */
    private static final int TILE = 32;

    private enum Inner { RUN, BROADCAST, ELEMENTS, TILED }

    private final int elementBytes;
    private final long[] dims;
    private final long[] srcStrides;
    private final long[] dstStrides;
    private final Inner inner;
    private final boolean empty;
    private final long totalBytes;
    private final Parallel.RangeTask outerRows = this::walkOuter;
    // The copy a parallel run is doing, for its chunks (set per run so that the loop allocates nothing).
    private MemorySegment runSrc;
    private long runSrcBase;
    private MemorySegment runDst;
    private long runDstBase;

    /**
     * @param shape the shape iterated (each index is one element copied)
     * @param srcStrides source stride per dimension, in elements
     * @param dstStrides destination stride per dimension, in elements
     */
    StridedCopy(long[] shape, long[] srcStrides, long[] dstStrides, int elementBytes) {
        this.elementBytes = elementBytes;
        int n = 0;
        long[] d = new long[shape.length + 1];
        long[] s = new long[shape.length + 1];
        long[] t = new long[shape.length + 1];
        boolean isEmpty = false;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                isEmpty = true;
            }
            if (shape[i] == 1) {
                continue;
            }
            if (n > 0 && s[n - 1] == srcStrides[i] * shape[i] && t[n - 1] == dstStrides[i] * shape[i]) {
                d[n - 1] *= shape[i];
                s[n - 1] = srcStrides[i];
                t[n - 1] = dstStrides[i];
            } else {
                d[n] = shape[i];
                s[n] = srcStrides[i];
                t[n] = dstStrides[i];
                n++;
            }
        }
        if (n == 0) { // a single element
            d[0] = 1;
            s[0] = 1;
            t[0] = 1;
            n = 1;
        }
        this.empty = isEmpty;
        Inner kind;
        int last = n - 1;
        if (s[last] == 1 && t[last] == 1) {
            kind = Inner.RUN;
        } else if (s[last] == 0 && t[last] == 1) {
            kind = Inner.BROADCAST;
        } else {
            kind = Inner.ELEMENTS;
            int across = -1;
            for (int i = 0; i < last; i++) {
                if (s[i] == 1 && t[i] != 1) {
                    across = i;
                }
            }
            if (t[last] == 1 && s[last] != 0 && across >= 0) {
                // Move the source's contiguous axis next to the destination's, and copy the pair in tiles.
                moveToSecondLast(d, s, t, across, n);
                kind = Inner.TILED;
            }
        }
        this.inner = kind;
        this.dims = Arrays.copyOf(d, n);
        this.srcStrides = scale(s, n, elementBytes);
        this.dstStrides = scale(t, n, elementBytes);
        long elements = 1;
        for (int i = 0; i < n; i++) {
            elements *= dims[i];
        }
        this.totalBytes = isEmpty ? 0 : elements * elementBytes;
    }

    private static void moveToSecondLast(long[] d, long[] s, long[] t, int axis, int n) {
        long dv = d[axis];
        long sv = s[axis];
        long tv = t[axis];
        for (int i = axis; i < n - 2; i++) {
            d[i] = d[i + 1];
            s[i] = s[i + 1];
            t[i] = t[i + 1];
        }
        d[n - 2] = dv;
        s[n - 2] = sv;
        t[n - 2] = tv;
    }

    private static long[] scale(long[] strides, int n, int factor) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = strides[i] * factor;
        }
        return out;
    }

    /** Copies from {@code src} (first element at {@code srcBase} bytes) to {@code dst} (at {@code dstBase}). */
    void run(MemorySegment src, long srcBase, MemorySegment dst, long dstBase, Parallel parallel) {
        if (empty) {
            return;
        }
        int innerDims = inner == Inner.TILED ? 2 : 1;
        if (parallel.threads() > 1 && totalBytes >= PARALLEL_MIN_BYTES && dims.length > innerDims && dims[0] > 1) {
            int grain = (int) Math.max(1, PARALLEL_MIN_BYTES / 4 / (totalBytes / dims[0]));
            runSrc = src;
            runSrcBase = srcBase;
            runDst = dst;
            runDstBase = dstBase;
            parallel.forRange(Math.toIntExact(dims[0]), grain, outerRows);
        } else {
            walk(0, src, srcBase, dst, dstBase);
        }
    }

    /** Indices {@code [from, to)} of the outermost dimension of the parallel run's copy. */
    private void walkOuter(int from, int to) {
        for (long i = from; i < to; i++) {
            walk(1, runSrc, runSrcBase + i * srcStrides[0], runDst, runDstBase + i * dstStrides[0]);
        }
    }

    private void walk(int d, MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset) {
        int innerStart = dims.length - (inner == Inner.TILED ? 2 : 1);
        if (d == innerStart) {
            copyInner(src, srcOffset, dst, dstOffset);
            return;
        }
        long ss = srcStrides[d];
        long ds = dstStrides[d];
        for (long i = 0, n = dims[d]; i < n; i++) {
            walk(d + 1, src, srcOffset + i * ss, dst, dstOffset + i * ds);
        }
    }

    private void copyInner(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset) {
        int last = dims.length - 1;
        long n = dims[last];
        int eb = elementBytes;
        switch (inner) {
            case RUN -> MemorySegment.copy(src, srcOffset, dst, dstOffset, n * eb);
            case BROADCAST -> ElementBytes.fill(dst, dstOffset, n, eb, ElementBytes.read(src, srcOffset, eb));
            case ELEMENTS -> {
                long ss = srcStrides[last];
                long ds = dstStrides[last];
                for (long i = 0; i < n; i++) {
                    ElementBytes.copy(src, srcOffset + i * ss, dst, dstOffset + i * ds, eb);
                }
            }
            case TILED -> copyTiles(src, srcOffset, dst, dstOffset);
        }
    }

    /** Axis {@code a} is contiguous in the source, axis {@code b} in the destination. */
    private void copyTiles(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset) {
        int a = dims.length - 2;
        int b = dims.length - 1;
        long na = dims[a];
        long nb = dims[b];
        long srcB = srcStrides[b];
        long dstA = dstStrides[a];
        int eb = elementBytes;
        for (long a0 = 0; a0 < na; a0 += TILE) {
            long a1 = Math.min(na, a0 + TILE);
            for (long b0 = 0; b0 < nb; b0 += TILE) {
                long b1 = Math.min(nb, b0 + TILE);
                if (eb == Float.BYTES) {
                    copyTile4(src, srcOffset + a0 * eb + b0 * srcB, dst, dstOffset + a0 * dstA + b0 * eb,
                            (int) (a1 - a0), (int) (b1 - b0), srcB, dstA);
                    continue;
                }
                for (long i = a0; i < a1; i++) {
                    long so = srcOffset + i * eb;
                    long dof = dstOffset + i * dstA;
                    for (long j = b0; j < b1; j++) {
                        ElementBytes.copy(src, so + j * srcB, dst, dof + j * eb, eb);
                    }
                }
            }
        }
    }

    /** One tile of 4-byte elements (float32, the common case), with int counters that the JIT unrolls. */
    private static void copyTile4(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, int rows,
            int cols, long srcColStride, long dstRowStride) {
        for (int i = 0; i < rows; i++) {
            long so = srcOffset + (long) i * Float.BYTES;
            long dof = dstOffset + i * dstRowStride;
            for (int j = 0; j < cols; j++) {
                dst.set(ValueLayout.JAVA_INT_UNALIGNED, dof + (long) j * Float.BYTES,
                        src.get(ValueLayout.JAVA_INT_UNALIGNED, so + j * srcColStride));
            }
        }
    }
}
