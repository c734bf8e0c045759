package dev.jquant.runtime.ops;

import dev.jquant.kernels.qgemm.Int4WeightPacking;
import dev.jquant.kernels.qgemm.Int8WeightPacking;
import dev.jquant.kernels.qgemm.PackedInt4Weights;
import dev.jquant.kernels.qgemm.PackedInt8Weights;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.format.QuantizationDescriptor.Scheme;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.lang.foreign.Arena;

/**
 * A quantized weight matrix packed for the quantized GEMM kernels: int8 symmetric per output column (or
 * per tensor), or 4-bit in groups along K. Weights quantized any other way are decoded to floats instead.
 *
 * @param int8 the int8 panels, or null
 * @param int4 the 4-bit panels, or null
 */
record QuantizedWeightPanels(PackedInt8Weights int8, PackedInt4Weights int4) {

    /**
     * Why {@code w}, a {@code K×N} matrix (stored {@code N×K} when {@code transposed}), has no quantized
     * kernel; null when it has one.
     */
    static String whyNot(QuantizedTensor w, boolean transposed) {
        QuantizationDescriptor d = w.descriptor();
        int kAxis = transposed ? 1 : 0;
        if (d.scheme() != Scheme.LINEAR || d.logicalShape().length != 2) {
            return "only 2-D LINEAR weights have quantized kernels";
        }
        if (d.bits() == 8 && d.signed()) {
            if (!symmetric(w)) {
                return "int8 weights need zero points of 0";
            }
            boolean perColumn = d.axis() == 1 - kAxis && d.groupSize() == 0;
            return perColumn || d.axis() == QuantizationDescriptor.PER_TENSOR ? null
                    : "int8 weights need one scale per output column or per tensor";
        }
        if (d.bits() == 4) {
            return d.axis() == kAxis && d.groupSize() >= 16 && d.groupSize() % 16 == 0 ? null
                    : "4-bit weights need groups along K of a multiple of 16";
        }
        return d.bits() + "-bit weights have no quantized kernel";
    }

    /** Packs {@code w}, for which {@link #whyNot} returned null. */
    static QuantizedWeightPanels pack(QuantizedTensor w, boolean transposed) {
        long[] shape = w.logicalShape();
        int k = Math.toIntExact(shape[transposed ? 1 : 0]);
        int n = Math.toIntExact(shape[transposed ? 0 : 1]);
        QuantizationDescriptor d = w.descriptor();
        Arena arena = Arena.ofAuto();
        if (d.bits() == 8) {
            float[] scales = new float[n];
            for (int j = 0; j < n; j++) {
                scales[j] = w.scaleAt(d.axis() == QuantizationDescriptor.PER_TENSOR ? 0 : j);
            }
            return new QuantizedWeightPanels(
                    Int8WeightPacking.pack(w.codes().data(), 0, k, n, transposed, scales, arena), null);
        }
        int groups = (k + d.groupSize() - 1) / d.groupSize();
        float[] scales = new float[groups * n];
        int[] zeroPoints = w.zeroPoint() == null ? null : new int[groups * n];
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < n; j++) {
                // The scale tensor is [groups, N] for a K×N matrix and [N, groups] for its transpose.
                long p = transposed ? (long) j * groups + g : (long) g * n + j;
                scales[g * n + j] = w.scaleAt(p);
                if (zeroPoints != null) {
                    zeroPoints[g * n + j] = w.zeroPointAt(p);
                }
            }
        }
        return new QuantizedWeightPanels(null, Int4WeightPacking.pack(w.codes().data(), 0, k, n, transposed,
                d.signed(), d.groupSize(), scales, zeroPoints, arena));
    }

    private static boolean symmetric(QuantizedTensor w) {
        int[] z = w.zeroPoints();
        if (z != null) {
            for (int v : z) {
                if (v != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
