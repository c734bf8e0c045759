package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.conv.Window;
import dev.jquant.kernels.qgemm.GemmOutput;
import dev.jquant.kernels.qgemm.Int8WeightPacking;
import dev.jquant.kernels.qgemm.PackedInt8Weights;
import dev.jquant.kernels.qgemm.QuantizedActivations;
import dev.jquant.kernels.qgemm.QuantizedGemm;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * {@link IntegerConvolution} on the int8 GEMM of {@code kernels-java}, for constant weights whose
 * {@code w − w_zero_point} all fit int8 (what ONNX Runtime's quantizer writes): per image and group, the input
 * patches go into scratch as the rows of {@code A[positions × C/group·taps]} (taps in the padding hold x's zero
 * point, so they add nothing, as the specification asks), the GEMM multiplies them by the packed weights into
 * int32 {@code [positions × M/group]} with x's zero point taken out per row, and the sums are transposed into
 * the output planes. Sums are exact, equal to the plain loops'.
 */
final class PatchGemmConvolution {

    private static final QuantizedGemm GEMM = QuantizedKernels.gemm();
    /**
     * A copy of the group's input planes, for the patch loop to read from an array (reading the segment byte by
     * byte took most of a 4 ms convolution). One per thread, grown to the largest group any node has asked for.
     */
    private static final ThreadLocal<byte[]> PLANES = ThreadLocal.withInitial(() -> new byte[0]);

    private final PackedInt8Weights[] groups;
    private final int channels;
    private final int filters;
    private final int perGroupIn;
    private final int perGroupOut;
    private final int taps;
    private final int patch;
    private final int inSize;
    private final int outSize;
    private final boolean signed;
    /** Per output position and tap, the input position it reads, or -1 in the padding. */
    private final int[] positions;
    private final long patchesAt;
    private final long sumsAt;
    private final byte[] row;
    private final int[] sumsRow;
    private final float[] unitScale = {1f};
    private final int[] zeroPoint = new int[1];
    // Bound to this run's scratch; rebuilt only when the scratch moves.
    private long boundScratch = -1;
    private QuantizedActivations patches;
    private GemmOutput.Int32 sums;

    private PatchGemmConvolution(PackedInt8Weights[] groups, int channels, int filters, int group, Window window,
            boolean signed, long scratchOffset) {
        this.groups = groups;
        this.channels = channels;
        this.filters = filters;
        this.perGroupIn = channels / group;
        this.perGroupOut = filters / group;
        this.taps = window.kernelSize();
        this.patch = perGroupIn * taps;
        this.inSize = window.inputSize();
        this.outSize = window.outputSize();
        this.signed = signed;
        this.positions = new int[outSize * taps];
        for (int o = 0; o < outSize; o++) {
            for (int t = 0; t < taps; t++) {
                positions[o * taps + t] = IntegerConvolution.inputPosition(window, o, t);
            }
        }
        this.patchesAt = align(scratchOffset);
        this.sumsAt = align(patchesAt + (long) outSize * patch);
        this.row = new byte[patch];
        this.sumsRow = new int[perGroupOut];
    }

    /**
     * The GEMM form for these constant weights {@code w} ({@code [M, C/group, taps...]}) and their zero points (null
     * when absent), or null where some {@code w − w_zero_point} leaves int8. {@code scratchOffset} is where in the
     * step's scratch it may start; {@link #scratchEnd} where it ends.
     */
    static PatchGemmConvolution of(PrepareContext ctx, int wInput, int wZeroInput, int channels, int filters, int group,
            Window window, boolean xSigned, boolean wSigned, long scratchOffset) {
        Tensor w = ctx.constantInput(wInput);
        Tensor zero = ctx.hasInput(wZeroInput) ? ctx.constantInput(wZeroInput) : null;
        if (w == null || (ctx.hasInput(wZeroInput) && zero == null) || window.outputSize() == 0) {
            return null;
        }
        int perGroupOut = filters / group;
        int patch = channels / group * window.kernelSize();
        String kind = "int8-conv-panels/minus-zero-point=" + (zero == null ? "none" : ctx.node().input(wZeroInput));
        PackedInt8Weights[] groups = ctx.derivedFromInput(wInput, kind,
                () -> pack(w, zero, wSigned, group, perGroupOut, patch));
        return groups == null ? null
                : new PatchGemmConvolution(groups, channels, filters, group, window, xSigned, scratchOffset);
    }

    /** One packed {@code [C/group·taps × M/group]} int8 matrix per group, or null when a value leaves int8. */
    private static PackedInt8Weights[] pack(Tensor w, Tensor zero, boolean signed, int group, int perGroupOut, int patch) {
        PackedInt8Weights[] packed = new PackedInt8Weights[group];
        float[] unitScales = new float[perGroupOut];
        Arrays.fill(unitScales, 1f);
        for (int g = 0; g < group; g++) {
            MemorySegment codes = Arena.ofAuto().allocate((long) perGroupOut * patch);
            for (int m = 0; m < perGroupOut; m++) {
                int filter = g * perGroupOut + m;
                int z = zero == null ? 0 : QuantizedElements.eightBit(zero.data(), zero.elementCount() == 1 ? 0 : filter,
                        signed);
                for (int k = 0; k < patch; k++) {
                    int v = QuantizedElements.eightBit(w.data(), (long) filter * patch + k, signed) - z;
                    if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
                        return null;
                    }
                    codes.set(ValueLayout.JAVA_BYTE, (long) m * patch + k, (byte) v);
                }
            }
            // Stored one row per output channel: the GEMM's B transposed.
            packed[g] = Int8WeightPacking.pack(codes, 0, patch, perGroupOut, true, unitScales, Arena.ofAuto());
        }
        return packed;
    }

    /** The byte of the step's scratch after the patches and the sums. */
    long scratchEnd() {
        return sumsAt + (long) outSize * perGroupOut * Integer.BYTES;
    }

    /** Writes the int32 convolution of {@code images} images of {@code x} into {@code out}, with x's zero point {@code xZero}. */
    void convolve(MemorySegment x, int xZero, long images, MemorySegment scratch, MemorySegment out, Parallel parallel) {
        if (scratch.address() != boundScratch) {
            patches = new QuantizedActivations(scratch.asSlice(patchesAt, (long) outSize * patch), outSize, patch, patch,
                    signed, unitScale, zeroPoint);
            sums = new GemmOutput.Int32(scratch.asSlice(sumsAt, (long) outSize * perGroupOut * Integer.BYTES), perGroupOut);
            boundScratch = scratch.address();
        }
        zeroPoint[0] = xZero;
        for (long image = 0; image < images; image++) {
            for (int g = 0; g < groups.length; g++) {
                long xBase = (image * channels + (long) g * perGroupIn) * inSize;
                writePatches(x, xBase, (byte) xZero, scratch);
                GEMM.multiply(patches, groups[g], sums, parallel);
                long outBase = (image * filters + (long) g * perGroupOut) * outSize;
                for (int o = 0; o < outSize; o++) {
                    MemorySegment.copy(scratch, ValueLayout.JAVA_INT, sumsAt + (long) o * perGroupOut * Integer.BYTES,
                            sumsRow, 0, perGroupOut);
                    for (int m = 0; m < perGroupOut; m++) {
                        out.setAtIndex(Tensor.I32, outBase + (long) m * outSize + o, sumsRow[m]);
                    }
                }
            }
        }
    }

    /** Row {@code o} of A: for each input channel of the group and each tap, the byte it reads (x's zero point in the padding). */
    private void writePatches(MemorySegment x, long xBase, byte xZero, MemorySegment scratch) {
        int groupBytes = perGroupIn * inSize;
        byte[] planes = PLANES.get();
        if (planes.length < groupBytes) {
            planes = new byte[groupBytes];
            PLANES.set(planes);
        }
        MemorySegment.copy(x, ValueLayout.JAVA_BYTE, xBase, planes, 0, groupBytes);
        for (int o = 0; o < outSize; o++) {
            for (int c = 0; c < perGroupIn; c++) {
                int plane = c * inSize;
                for (int t = 0; t < taps; t++) {
                    int at = positions[o * taps + t];
                    row[c * taps + t] = at < 0 ? xZero : planes[plane + at];
                }
            }
            MemorySegment.copy(row, 0, scratch, ValueLayout.JAVA_BYTE, patchesAt + (long) o * patch, patch);
        }
    }

    private static long align(long bytes) {
        return (bytes + 63) / 64 * 64;
    }
}
