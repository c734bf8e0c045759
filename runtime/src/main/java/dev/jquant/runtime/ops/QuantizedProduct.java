package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.qgemm.Activation;
import dev.jquant.kernels.qgemm.GemmOutput;
import dev.jquant.kernels.qgemm.QuantizedActivations;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.quant.StaticInputAttributes;
import java.lang.foreign.MemorySegment;

/**
 * {@code Y[rows×N] = activation(A[rows×K]·W + bias)} with W quantized and packed, and A quantized to uint8 at run time,
 * either dynamically — each row gets its own scale and zero point from its own range, so one outlier token
 * does not coarsen the others — or statically, with one scale and zero point calibrated in advance (the
 * node's {@link StaticInputAttributes}), which saves the pass over A
 * that finds its range. The quantized rows live in the step's scratch memory; the kernel accumulates
 * exactly in int32 and scales back to float, adds the bias and applies the activation in its epilogue.
 */
final class QuantizedProduct {

    private static final String STATIC_SCALE = StaticInputAttributes.SCALE;
    private static final String STATIC_ZERO_POINT = StaticInputAttributes.ZERO_POINT;


    private final QuantizedWeightPanels weights;
    private final int rows;
    private final int k;
    private final int n;
    private final float[] bias;
    private final Activation activation;
    private final float[] rowScales;
    private final int[] rowZeroPoints;
    private final boolean dynamic;
    /** Built on the first run: the scratch and output memory of a step stay the same from run to run. */
    private QuantizedActivations activations;
    private GemmOutput.Float32 output;
    private MemorySegment scratchSeen;
    private MemorySegment outputSeen;

    /** A product with no activation; see {@link #QuantizedProduct(Node, QuantizedWeightPanels, int, int, int, float[], Activation)}. */
    QuantizedProduct(Node node, QuantizedWeightPanels weights, int rows, int k, int n, float[] bias) {
        this(node, weights, rows, k, n, bias, Activation.NONE);
    }

    /**
     * A static product when {@code node} carries calibrated input parameters, else a dynamic one; {@code bias}
     * ({@code n} values) may be null for none.
     */
    QuantizedProduct(Node node, QuantizedWeightPanels weights, int rows, int k, int n, float[] bias,
            Activation activation) {
        if ((long) rows * k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a quantized product of " + rows + " rows × K=" + k + " exceeds 2^31 elements");
        }
        this.weights = weights;
        this.rows = rows;
        this.k = k;
        this.n = n;
        this.bias = bias;
        this.activation = activation;
        this.dynamic = !node.has(STATIC_SCALE);
        if (dynamic) {
            rowScales = new float[Math.max(rows, 1)];
            rowZeroPoints = new int[Math.max(rows, 1)];
        } else {
            float scale = node.attrFloat(STATIC_SCALE, 0f);
            long zeroPoint = node.attrInt(STATIC_ZERO_POINT, 0);
            if (!(scale > 0) || !Float.isFinite(scale) || zeroPoint < 0 || zeroPoint > 255) {
                throw new IllegalArgumentException("calibrated input parameters must be a positive finite scale and a "
                        + "uint8 zero point, were " + STATIC_SCALE + "=" + scale + ", " + STATIC_ZERO_POINT + "=" + zeroPoint);
            }
            rowScales = new float[] {scale};
            rowZeroPoints = new int[] {(int) zeroPoint};
        }
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
            output = new GemmOutput.Float32(y, n, bias, activation);
            scratchSeen = scratch;
            outputSeen = y;
        }
        if (dynamic) {
            QuantizedKernels.quantizer().quantizeDynamic(a, k, rows, k, false, true, scratch, k, rowScales,
                    rowZeroPoints);
        } else {
            QuantizedKernels.quantizer().quantize(a, 0, rows * k, rowScales[0], rowZeroPoints[0], false, scratch, 0);
        }
        if (weights.int8() != null) {
            QuantizedKernels.gemm().multiply(activations, weights.int8(), output, parallel);
        } else {
            QuantizedKernels.gemm().multiply(activations, weights.int4(), output, parallel);
        }
    }
}
