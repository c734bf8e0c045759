package dev.jquant.kernels.qgemm;

import java.lang.foreign.MemorySegment;

/**
 * Quantizes float activations to 8 bits: dynamically, with parameters computed from each row's (or the
 * whole tensor's) minimum and maximum at run time, or statically with given parameters. Floats are read
 * little-endian at element indices; bytes are written at byte offsets. Implementations write identical
 * bytes and parameters. Inputs are expected finite.
 */
public interface ActivationQuantizer {

    /**
     * Quantizes {@code rows×columns} floats (row {@code r} at element {@code r·xRowStride} of {@code x}) into
     * bytes (row {@code r} at byte {@code r·qRowStride} of {@code q}) and stores the parameters used:
     * <ul>
     *   <li>uint8 ({@code signed == false}): asymmetric, as ONNX DynamicQuantizeLinear — the range is
     *       widened to include 0, {@code scale = (max − min) / 255}, {@code zeroPoint = rint(−min / scale)};</li>
     *   <li>int8: symmetric, {@code scale = max|x| / 127}, {@code zeroPoint = 0}.</li>
     * </ul>
     * With {@code perRow}, {@code scales} and {@code zeroPoints} receive one entry per row; otherwise one
     * for the whole tensor, in entry 0. An all-zero range gets scale 1.
     */
    void quantizeDynamic(MemorySegment x, int xRowStride, int rows, int columns, boolean signed, boolean perRow,
            MemorySegment q, int qRowStride, float[] scales, int[] zeroPoints);

    /**
     * {@code q[i] = saturate(rint(x[i] / scale) + zeroPoint)} for {@code count} floats from element
     * {@code xIndex}, written as uint8 (int8 when {@code signed}) from byte {@code qOffset}: ONNX QuantizeLinear.
     */
    void quantize(MemorySegment x, long xIndex, int count, float scale, int zeroPoint, boolean signed,
            MemorySegment q, long qOffset);

    /** A short name for diagnostics, e.g. {@code vector-256}. */
    String name();
}
