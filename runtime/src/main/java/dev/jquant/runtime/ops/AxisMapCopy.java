package dev.jquant.runtime.ops;

import java.lang.foreign.MemorySegment;

/**
 * Builds an output whose every axis reads the input through its own index map: output element
 * {@code [o0, o1, ...]} is input element {@code [map0[o0], map1[o1], ...]}, or a fill value where any map
 * holds -1. Pad (every mode) and nearest-neighbour Resize are such separable gathers. Trailing axes whose
 * map is the identity are folded into one wider element, and the innermost map is cut into runs of
 * consecutive indices, so padding borders and unchanged rows become bulk copies.
 */
final class AxisMapCopy {

    /** Map entry meaning "no input element here: write the fill value". */
    static final long FILL = -1;

    private final int elementBytes;
    private final long unitBytes;
    private final long[][] outerMaps;
    private final long[] outerSrcStrides;
    private final long rowBytes;
    private final long[] runDst;
    private final long[] runSrc;
    private final long[] runUnits;

    /**
     * @param inShape the input's shape
     * @param maps per axis, for each output index the input index or {@link #FILL}
     */
    AxisMapCopy(long[] inShape, long[][] maps, int elementBytes) {
        this.elementBytes = elementBytes;
        int innerAxis = inShape.length - 1;
        long unit = elementBytes;
        while (innerAxis >= 0 && isIdentity(maps[innerAxis], inShape[innerAxis])) {
            unit *= inShape[innerAxis];
            innerAxis--;
        }
        this.unitBytes = unit;
        long[] innerMap = innerAxis >= 0 ? maps[innerAxis] : new long[] {0};
        this.outerMaps = new long[Math.max(innerAxis, 0)][];
        this.outerSrcStrides = new long[outerMaps.length];
        long stride = unit * (innerAxis >= 0 ? inShape[innerAxis] : 1);
        for (int a = outerMaps.length - 1; a >= 0; a--) {
            outerMaps[a] = maps[a];
            outerSrcStrides[a] = stride;
            stride *= inShape[a];
        }
        this.rowBytes = innerMap.length * unit;
        int runs = 0;
        for (int o = 0; o < innerMap.length; o++) {
            if (o == 0 || !continues(innerMap, o)) {
                runs++;
            }
        }
        runDst = new long[runs];
        runSrc = new long[runs];
        runUnits = new long[runs];
        int r = -1;
        for (int o = 0; o < innerMap.length; o++) {
            if (o == 0 || !continues(innerMap, o)) {
                r++;
                runDst[r] = o * unit;
                runSrc[r] = innerMap[o] == FILL ? FILL : innerMap[o] * unit;
            }
            runUnits[r]++;
        }
    }

    private static boolean isIdentity(long[] map, long inLength) {
        if (map.length != inLength) {
            return false;
        }
        for (int i = 0; i < map.length; i++) {
            if (map[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** Whether output index {@code o} extends the run of {@code o - 1}: both fill, or consecutive inputs. */
    private static boolean continues(long[] map, int o) {
        return map[o] == FILL ? map[o - 1] == FILL : map[o - 1] != FILL && map[o] == map[o - 1] + 1;
    }

    /** Fills {@code dst} (contiguous, the output's shape) from {@code src}; {@code fillBits} is one element. */
    void run(MemorySegment src, MemorySegment dst, long fillBits) {
        if (rowBytes == 0) {
            return;
        }
        walk(0, src, 0, false, dst, 0, fillBits);
    }

    /** Returns the destination offset after the rows written. */
    private long walk(int axis, MemorySegment src, long srcOffset, boolean fill, MemorySegment dst, long dstOffset,
            long fillBits) {
        if (axis == outerMaps.length) {
            if (fill) {
                ElementBytes.fill(dst, dstOffset, rowBytes / elementBytes, elementBytes, fillBits);
            } else {
                copyRow(src, srcOffset, dst, dstOffset, fillBits);
            }
            return dstOffset + rowBytes;
        }
        long[] map = outerMaps[axis];
        long stride = outerSrcStrides[axis];
        for (long index : map) {
            boolean outside = fill || index == FILL;
            dstOffset = walk(axis + 1, src, outside ? 0 : srcOffset + index * stride, outside, dst, dstOffset, fillBits);
        }
        return dstOffset;
    }

    private void copyRow(MemorySegment src, long srcOffset, MemorySegment dst, long dstOffset, long fillBits) {
        for (int r = 0; r < runDst.length; r++) {
            long bytes = runUnits[r] * unitBytes;
            if (runSrc[r] == FILL) {
                ElementBytes.fill(dst, dstOffset + runDst[r], bytes / elementBytes, elementBytes, fillBits);
            } else if (bytes == elementBytes) {
                ElementBytes.copy(src, srcOffset + runSrc[r], dst, dstOffset + runDst[r], elementBytes);
            } else {
                MemorySegment.copy(src, srcOffset + runSrc[r], dst, dstOffset + runDst[r], bytes);
            }
        }
    }
}
