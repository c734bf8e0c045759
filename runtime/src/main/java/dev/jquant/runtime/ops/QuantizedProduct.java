package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.qgemm.Activation;
import dev.jquant.kernels.qgemm.GemmOutput;
import dev.jquant.kernels.qgemm.QuantizedActivations;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import java.lang.foreign.MemorySegment;

/**
 * {@code Y[rows×N] = A[rows×K]·W + bias} with W quantized and packed, and A quantized at run time: each row
 * of A gets its own uint8 scale and zero point from its own range (dynamic quantization), so one outlier
 * token does not coarsen the others. The quantized rows live in the step's scratch memory; the kernel
 * accumulates exactly in int32 and scales back to float in its epilogue.
 */
final class DynamicQuantizedProduct {

    private final QuantizedWeightPanels weights;
    private final int rows;
    private final int k;
    private final int n;
    private final float[] bias;
    private final float[] rowScales;
    private final int[] rowZeroPoints;
    /** Built on the first run: the scratch and output memory of a step stay the same from run to run. */
    private QuantizedActivations activations;
    private GemmOutput.Float32 output;
    private MemorySegment scratchSeen;
    private MemorySegment outputSeen;

    DynamicQuantizedProduct(QuantizedWeightPanels weights, int rows, int k, int n, float[] bias) {
        this.weights = weights;
        this.rows = rows;
        this.k = k;
        this.n = n;
        this.bias = bias;
        this.rowScales = new float[Math.max(rows, 1)];
        this.rowZeroPoints = new int[Math.max(rows, 1)];
    }

    /** Scratch bytes a run needs: the quantized copy of A. */
    long scratchBytes() {
        return (long) rows * k;
    }

    /** Multiplies A (row-major floats) into Y (row-major floats), both {@code rows} rows. */
    void run(MemorySegment a, MemorySegment y, MemorySegment scratch, Parallel parallel) {
        if (rows == 0) {
            return;
        }
        if (scratch != scratchSeen || y != outputSeen) {
            activations = new QuantizedActivations(scratch, rows, k, k, false, rowScales, rowZeroPoints);
            output = new GemmOutput.Float32(y, n, bias, Activation.NONE);
            scratchSeen = scratch;
            outputSeen = y;
        }
        QuantizedKernels.quantizer().quantizeDynamic(a, k, rows, k, false, true, scratch, k, rowScales, rowZeroPoints);
        if (weights.int8() != null) {
            QuantizedKernels.gemm().multiply(activations, weights.int8(), output, parallel);
        } else {
            QuantizedKernels.gemm().multiply(activations, weights.int4(), output, parallel);
        }
    }
}
