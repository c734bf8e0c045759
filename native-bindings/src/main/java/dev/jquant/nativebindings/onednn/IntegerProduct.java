package dev.jquant.nativebindings.onednn;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.elementwise.ElementwiseKernels;
import dev.jquant.kernels.elementwise.UnaryOp;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.format.QuantizationDescriptor.Scheme;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.PrepareContext;
import dev.jquant.runtime.quant.QuantizedTensor;
import dev.jquant.runtime.quant.StaticInputAttributes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a float product {@code Y[rows×N] = A[rows×K]·W} with int8 weights needs around oneDNN's integer
 * matmul, which multiplies uint8 codes of A by W's int8 codes into exact int32 sums. Before it, A is quantized
 * to uint8 exactly as the Java backend's quantized kernels do: each row its own scale and zero point, or the
 * node's calibrated ones. After it, the sums are turned into floats in place,
 * {@code y[m][n] = (Σ_k a[m][k]·w[k][n] − zp[m]·Σ_k w[k][n])·wScale[n]·aScale[m]}; the zero points are taken
 * out here because oneDNN's matmul takes one source zero point per tensor, not one per row. The same codes
 * and the same exact sums make the result equal to the Java backend's. For a FusedMatMul the same pass adds
 * the bias and applies the activation: the bias rounds as in the Java kernels' epilogue ({@code fma} of the
 * scaled sum with it), GELU is the one-pass elementwise kernel (the last bit may differ from the kernels').
 */
final class IntegerProduct {

    private static final int ROWS_PER_TASK = 8;

    private final int rows;
    private final int k;
    private final int n;
    private final int[] columnSums;
    private final float[] weightScales;
    private final boolean dynamic;
    private final float[] rowScales;
    private final int[] rowZeroPoints;
    private float[] bias;
    private boolean relu;
    private boolean gelu;
    private final ThreadLocal<Row> rowBuffers = ThreadLocal.withInitial(Row::new);
    private final Parallel.RangeTask dequantizeTask = this::dequantizeRows;
    /** The output being dequantized, during {@link #dequantize}. */
    private MemorySegment output;

    /**
     * Why oneDNN has no integer product for the weight {@code w} (a {@code K×N} matrix, or {@code N×K} when
     * {@code transposed}), or null when it has: int8 codes, symmetric, with one scale per output column or per
     * tensor.
     */
    static String whyNot(QuantizedTensor w, boolean transposed) {
        QuantizationDescriptor d = w.descriptor();
        if (d.scheme() != Scheme.LINEAR || d.logicalShape().length != 2 || d.bits() != 8 || !d.signed()) {
            return "oneDNN multiplies only 2-D signed 8-bit LINEAR weights";
        }
        int[] zeroPoints = w.zeroPoints();
        if (zeroPoints != null) {
            for (int z : zeroPoints) {
                if (z != 0) {
                    return "oneDNN multiplies only symmetric int8 weights (zero points of 0)";
                }
            }
        }
        boolean perColumn = d.axis() == (transposed ? 0 : 1) && d.groupSize() == 0;
        return perColumn || d.axis() == QuantizationDescriptor.PER_TENSOR ? null
                : "oneDNN multiplies only int8 weights with one scale per output column or per tensor";
    }

    /**
     * Why {@code backend} does not multiply the codes of {@code w} (input 1 of the node being prepared), or null:
     * {@link #whyNot}, or codes too large for exact sums on this CPU.
     */
    static String whyNotOnCodes(OneDnnBackend backend, PrepareContext ctx, QuantizedTensor w, boolean transposed) {
        String why = whyNot(w, transposed);
        if (why != null) {
            return why;
        }
        int largest = ctx.derivedFromInput(1, "int8-largest-code", () -> largestCode(w));
        return backend.library().int8SumsExact(largest) ? null : "int8 weight codes up to ±" + largest + ": without "
                + "VNNI oneDNN's sums saturate beyond ±" + OneDnnLibrary.SATURATION_FREE_CODE
                + " (compress with --int8-reduced-range)";
    }

    /** The largest magnitude among the int8 codes of {@code w}. */
    static int largestCode(QuantizedTensor w) {
        MemorySegment codes = w.codes().data();
        int largest = 0;
        for (long i = 0, count = Tensor.elementCount(w.logicalShape()); i < count; i++) {
            largest = Math.max(largest, Math.abs(codes.get(ValueLayout.JAVA_BYTE, i)));
        }
        return largest;
    }

    /**
     * {@code Σ_k w[k][n]} for every output column of the int8 codes of {@code w} ({@code K×N}, or {@code N×K}
     * when {@code transposed}), for which {@link #whyNot} returned null.
     */
    static int[] columnSums(QuantizedTensor w, boolean transposed) {
        long[] shape = w.logicalShape();
        int rows = Math.toIntExact(shape[0]);
        int columns = Math.toIntExact(shape[1]);
        MemorySegment codes = w.codes().data();
        int[] sums = new int[transposed ? rows : columns];
        for (long r = 0, at = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++, at++) {
                sums[transposed ? (int) r : c] += codes.get(ValueLayout.JAVA_BYTE, at);
            }
        }
        return sums;
    }

    /**
     * @param node the MatMul node: its calibrated input parameters, when it has them, quantize A statically
     * @param w the weight, accepted by {@link #whyNot}
     * @param columnSums {@link #columnSums} of {@code w}
     */
    IntegerProduct(Node node, QuantizedTensor w, int[] columnSums, int rows, int k, int n) {
        if ((long) rows * k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a quantized product of " + rows + " rows × K=" + k + " exceeds 2^31 elements");
        }
        this.rows = rows;
        this.k = k;
        this.n = n;
        this.columnSums = columnSums;
        weightScales = new float[n];
        boolean perTensor = w.descriptor().axis() == QuantizationDescriptor.PER_TENSOR;
        for (int j = 0; j < n; j++) {
            weightScales[j] = w.scaleAt(perTensor ? 0 : j);
        }
        dynamic = !node.has(StaticInputAttributes.SCALE);
        if (dynamic) {
            rowScales = new float[rows];
            rowZeroPoints = new int[rows];
        } else {
            float scale = node.attrFloat(StaticInputAttributes.SCALE, 0f);
            long zeroPoint = node.attrInt(StaticInputAttributes.ZERO_POINT, 0);
            if (!(scale > 0) || !Float.isFinite(scale) || zeroPoint < 0 || zeroPoint > 255) {
                throw new IllegalArgumentException("calibrated input parameters must be a positive finite scale and a "
                        + "uint8 zero point, were " + StaticInputAttributes.SCALE + "=" + scale + ", "
                        + StaticInputAttributes.ZERO_POINT + "=" + zeroPoint);
            }
            rowScales = new float[] {scale};
            rowZeroPoints = new int[] {(int) zeroPoint};
        }
    }

    /**
     * Adds FusedMatMul's epilogue: {@code bias} (N values, or null) and {@code activation} ({@code none},
     * {@code relu} or {@code gelu}, as the Java operator checked them).
     */
    void addEpilogue(float[] bias, String activation) {
        this.bias = bias;
        relu = activation.equals("relu");
        gelu = activation.equals("gelu");
    }

    /** Bytes of the uint8 copy of A, which {@link #quantize} writes. */
    long quantizedBytes() {
        return (long) rows * k;
    }

    /** Quantizes A (row-major floats) to uint8 rows in {@code q}. */
    void quantize(MemorySegment a, MemorySegment q) {
        if (dynamic) {
            QuantizedKernels.quantizer().quantizeDynamic(a, k, rows, k, false, true, q, k, rowScales, rowZeroPoints);
        } else {
            QuantizedKernels.quantizer().quantize(a, 0, rows * k, rowScales[0], rowZeroPoints[0], false, q, 0);
        }
    }

    /** Turns the int32 sums oneDNN wrote into {@code y} ({@code rows×N}, row-major) into the float products, in place. */
    void dequantize(MemorySegment y, Parallel parallel) {
        output = y;
        try {
            parallel.forRange(rows, ROWS_PER_TASK, dequantizeTask);
        } finally {
            output = null;
        }
    }

    private void dequantizeRows(int first, int end) {
        Row row = rowBuffers.get();
        MemorySegment y = output;
        for (int m = first; m < end; m++) {
            int p = dynamic ? m : 0;
            long at = (long) m * n * Integer.BYTES;
            MemorySegment.copy(y, Tensor.I32, at, row.sums, 0, n);
            dequantizeRow(row.sums, rowZeroPoints[p], rowScales[p], row.values);
            MemorySegment.copy(row.values, 0, y, Tensor.F32, at, n);
            if (gelu) {
                ElementwiseKernels.floats().unary(UnaryOp.GELU, 0f, 0f, y, (long) m * n, y, (long) m * n, n);
            }
        }
    }

    /**
     * One row, on arrays so that C2 vectorizes the loop (on the segment, element by element, this pass cost
     * about 2 ms of a 31 ms MiniLM run). The Java kernels' order of rounding: {@code (sum·wScale)·aScale}, or
     * {@code fma(sum·wScale, aScale, bias)}.
     */
    private void dequantizeRow(int[] sums, int zeroPoint, float scale, float[] values) {
        for (int j = 0; j < n; j++) {
            float v = (sums[j] - zeroPoint * columnSums[j]) * weightScales[j];
            v = bias == null ? v * scale : Math.fma(v, scale, bias[j]);
            values[j] = relu ? Math.max(v, 0f) : v;
        }
    }

    /** A task's copy of one row: the int32 sums in, the floats out. */
    private final class Row {
        final int[] sums = new int[n];
        final float[] values = new float[n];
    }
}
