package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.qgemm.GemmOutput;
import dev.jquant.kernels.qgemm.Int8WeightPacking;
import dev.jquant.kernels.qgemm.PackedInt8Weights;
import dev.jquant.kernels.qgemm.QuantizedActivations;
import dev.jquant.kernels.qgemm.QuantizedGemm;
import dev.jquant.kernels.qgemm.QuantizedKernels;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Locale;

/**
 * The exact int32 product of MatMulInteger and QLinearMatMul, {@code C = (A − a_zero_point)·(B −
 * b_zero_point)} over UINT8/INT8 operands with numpy's matmul semantics (a 1-D A is a row, a 1-D B a
 * column, batch dimensions broadcast). Zero points are laid out as {@link MatMulParameterLayout} says.
 * Sums wrap in 32 bits, as the specification allows.
 *
 * <p>When B is a constant with no batch of its own and every {@code b − b_zero_point} fits INT8 — what ONNX
 * Runtime's dynamic quantization writes: INT8 weights with zero point 0 — B is packed once per model and
 * A's rows, stacked over the batch, run through the quantized GEMM of {@code kernels-java}. Other cases run
 * plain integer loops over the rows of C.
 */
final class IntegerMatMul {

    private static final QuantizedGemm GEMM = QuantizedKernels.gemm();
    /** Multiply-adds per chunk of the plain loops. */
    private static final long GRAIN_OPS = 1 << 16;

    private final String aName;
    private final int aInput;
    private final String aZeroName;
    private final int aZeroInput;
    private final String bName;
    private final int bInput;
    private final String bZeroName;
    private final int bZeroInput;
    private final Parallel.RangeTask rowsTask = this::multiplyRows;

    private boolean aSigned;
    private boolean bSigned;
    private int m;
    private int k;
    private int n;
    private int batchCount;
    /** Per batch entry of C: element offsets of its A and B, and their indices among A's and B's own batch entries. */
    private long[] aOffsets;
    private long[] bOffsets;
    private int[] aEntries;
    private int[] bEntries;
    private long[] outputShape;
    private MatMulParameterLayout aZeroLayout;
    private MatMulParameterLayout bZeroLayout;
    /** The zero points, read again on every run (they may be activations). */
    private int[] aZeros;
    private int[] bZeros;

    /** Set when B is packed for the quantized GEMM; A's zero point per stacked row (or one) and unit scales go with it. */
    private PackedInt8Weights packed;
    private int[] rowZeros;
    private float[] rowScales;
    // The kernel's views of the bound memory, rebuilt only when that memory changes.
    private MemorySegment boundA;
    private MemorySegment boundC;
    private QuantizedActivations activations;
    private GemmOutput.Int32 gemmOutput;
    // This run's memory, for the chunks of the plain loops (fields, so that they allocate nothing).
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;

    /** Operands named {@code aName} and {@code bName} (as the op's specification spells them) at these inputs. */
    IntegerMatMul(String aName, int aInput, int aZeroInput, String bName, int bInput, int bZeroInput) {
        this.aName = aName + " (input " + aInput + ")";
        this.aInput = aInput;
        this.aZeroName = aName.toLowerCase(Locale.ROOT) + "_zero_point (input " + aZeroInput + ")";
        this.aZeroInput = aZeroInput;
        this.bName = bName + " (input " + bInput + ")";
        this.bInput = bInput;
        this.bZeroName = bName.toLowerCase(Locale.ROOT) + "_zero_point (input " + bZeroInput + ")";
        this.bZeroInput = bZeroInput;
    }

    /** Validates the operands and zero points, plans the batches, and packs a constant B when it can. */
    void prepare(PrepareContext ctx) {
        DType aType = QuantizedElements.require(ctx, aInput, aName, QuantizedElements.EIGHT_BIT);
        DType bType = QuantizedElements.require(ctx, bInput, bName, QuantizedElements.EIGHT_BIT);
        aSigned = aType == DType.INT8;
        bSigned = bType == DType.INT8;
        long[] aShape = ctx.inputShape(aInput);
        long[] bShape = ctx.inputShape(bInput);
        planBatches(aShape, bShape);
        aZeroLayout = zeroPointLayout(ctx, aZeroInput, aType, aShape, true);
        bZeroLayout = zeroPointLayout(ctx, bZeroInput, bType, bShape, false);
        aZeros = new int[aZeroLayout.count()];
        bZeros = new int[bZeroLayout.count()];
        int rows = NeuralOperators.toInt((long) batchCount * m, "the batch times M");
        packed = packConstantB(ctx);
        if (packed != null) {
            int perRow = aZeroLayout.perTensor() ? 1 : rows;
            rowZeros = new int[perRow];
            rowScales = new float[perRow];
            Arrays.fill(rowScales, 1f);
        }
    }

    private MatMulParameterLayout zeroPointLayout(PrepareContext ctx, int input, DType operandType, long[] operand,
            boolean rowsOfA) {
        if (!ctx.hasInput(input)) {
            return MatMulParameterLayout.PER_TENSOR;
        }
        String operandName = rowsOfA ? aName : bName;
        String name = rowsOfA ? aZeroName : bZeroName;
        ElementTypes.requireSame(operandName, operandType, name, ctx.inputType(input));
        return MatMulParameterLayout.of(operand, ctx.inputShape(input), rowsOfA, operandName, name);
    }

    /** numpy matmul shapes: promotes 1-D operands, broadcasts the batch dimensions, records each entry's operands. */
    private void planBatches(long[] aShape, long[] bShape) {
        if (aShape.length == 0 || bShape.length == 0) {
            throw new IllegalArgumentException(aName + " and " + bName + " must have rank >= 1, were "
                    + ShapeOperands.show(aShape) + " and " + ShapeOperands.show(bShape));
        }
        long[] a2 = aShape.length == 1 ? new long[] {1, aShape[0]} : aShape;
        long[] b2 = bShape.length == 1 ? new long[] {bShape[0], 1} : bShape;
        m = NeuralOperators.toInt(a2[a2.length - 2], "M (rows of " + aName + ")");
        k = NeuralOperators.toInt(a2[a2.length - 1], "K (columns of " + aName + ")");
        n = NeuralOperators.toInt(b2[b2.length - 1], "N (columns of " + bName + ")");
        if (b2[b2.length - 2] != k) {
            throw new IllegalArgumentException(aName + " " + ShapeOperands.show(aShape) + " and " + bName + " "
                    + ShapeOperands.show(bShape) + " cannot be multiplied: " + k + " columns against "
                    + b2[b2.length - 2] + " rows");
        }
        long[] aBatch = Arrays.copyOf(a2, a2.length - 2);
        long[] bBatch = Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Broadcast.shapeOf(aBatch, bBatch);
        batchCount = NeuralOperators.toInt(Tensor.elementCount(batch), "the batch size");
        aOffsets = new long[batchCount];
        bOffsets = new long[batchCount];
        aEntries = new int[batchCount];
        bEntries = new int[batchCount];
        long[] aStrides = entryStrides(aBatch, batch.length);
        long[] bStrides = entryStrides(bBatch, batch.length);
        for (int i = 0; i < batchCount; i++) {
            long rest = i;
            for (int d = batch.length - 1; d >= 0; d--) {
                long index = rest % batch[d];
                rest /= batch[d];
                aEntries[i] += (int) (index * aStrides[d]);
                bEntries[i] += (int) (index * bStrides[d]);
            }
            aOffsets[i] = (long) aEntries[i] * m * k;
            bOffsets[i] = (long) bEntries[i] * k * n;
        }
        outputShape = Arrays.copyOf(batch, batch.length + 2);
        outputShape[batch.length] = m;
        outputShape[batch.length + 1] = n;
        if (bShape.length == 1) {
            outputShape = Arrays.copyOf(outputShape, outputShape.length - 1);
        }
        if (aShape.length == 1) {
            long last = outputShape[outputShape.length - 1];
            outputShape = Arrays.copyOf(outputShape, outputShape.length - 1);
            if (bShape.length != 1) {
                outputShape[outputShape.length - 1] = last;
            }
        }
    }

    /** Strides, in batch entries, of an operand with batch shape {@code shape} along the {@code rank} output batch dimensions; 0 where it repeats. */
    private static long[] entryStrides(long[] shape, int rank) {
        long[] strides = new long[rank];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d + rank - shape.length] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
        return strides;
    }

    /** B packed for the quantized GEMM, or null when the fast path does not apply. */
    private PackedInt8Weights packConstantB(PrepareContext ctx) {
        boolean bHasNoBatch = Arrays.stream(bEntries).allMatch(e -> e == 0);
        boolean aStacks = true;
        for (int i = 0; i < batchCount; i++) {
            aStacks &= aEntries[i] == i;
        }
        if (k == 0 || n == 0 || !bHasNoBatch || !aStacks) {
            return null;
        }
        Tensor weights = ctx.constantInput(bInput);
        Tensor zero = ctx.hasInput(bZeroInput) ? ctx.constantInput(bZeroInput) : null;
        if (weights == null || (ctx.hasInput(bZeroInput) && zero == null)) {
            return null;
        }
        String kind = "int8-panels/minus-zero-point=" + (zero == null ? "none" : ctx.node().input(bZeroInput));
        return ctx.derivedFromInput(bInput, kind, () -> pack(weights, zero));
    }

    /** {@code B − b_zero_point} as packed INT8 weights with unit scales, or null when a value falls outside INT8. */
    private PackedInt8Weights pack(Tensor weights, Tensor zero) {
        MemorySegment w = Arena.ofAuto().allocate((long) k * n);
        for (int row = 0; row < k; row++) {
            for (int col = 0; col < n; col++) {
                long at = (long) row * n + col;
                int z = zero == null ? 0 : QuantizedElements.eightBit(zero.data(), bZeroLayout.index(0, col), bSigned);
                int v = QuantizedElements.eightBit(weights.data(), at, bSigned) - z;
                if (v < Byte.MIN_VALUE || v > Byte.MAX_VALUE) {
                    return null;
                }
                w.set(ValueLayout.JAVA_BYTE, at, (byte) v);
            }
        }
        float[] unitScales = new float[n];
        Arrays.fill(unitScales, 1f);
        return Int8WeightPacking.pack(w, 0, k, n, false, unitScales, Arena.ofAuto());
    }

    long[] outputShape() {
        return outputShape.clone();
    }

    int batchCount() {
        return batchCount;
    }

    int m() {
        return m;
    }

    int n() {
        return n;
    }

    /** Index of batch entry {@code i} of C among A's own batch entries. */
    int aEntry(int i) {
        return aEntries[i];
    }

    int bEntry(int i) {
        return bEntries[i];
    }

    /** Writes the int32 product, {@code [batch, M, N]} row-major, into {@code out}. */
    void multiply(ExecContext ctx, MemorySegment out) {
        a = ctx.input(aInput).data();
        b = ctx.input(bInput).data();
        c = out;
        readZeroPoints(ctx.input(aZeroInput), aZeros, aSigned);
        readZeroPoints(ctx.input(bZeroInput), bZeros, bSigned);
        if (packed == null) {
            int grain = (int) Math.max(1, GRAIN_OPS / Math.max(1, (long) k * n));
            ctx.parallel().forRange(batchCount * m, grain, rowsTask);
            return;
        }
        if (aZeroLayout.perTensor()) {
            rowZeros[0] = aZeros[0];
        } else {
            for (int row = 0; row < rowZeros.length; row++) {
                rowZeros[row] = aZeros[aZeroLayout.index(row / m, row % m)];
            }
        }
        if (a != boundA) {
            activations = new QuantizedActivations(a, batchCount * m, k, k, aSigned, rowScales, rowZeros);
            boundA = a;
        }
        if (out != boundC) {
            gemmOutput = new GemmOutput.Int32(out, n);
            boundC = out;
        }
        GEMM.multiply(activations, packed, gemmOutput, ctx.parallel());
    }

    private static void readZeroPoints(Tensor zero, int[] into, boolean signed) {
        if (zero == null) {
            into[0] = 0;
            return;
        }
        for (int i = 0; i < into.length; i++) {
            into[i] = QuantizedElements.eightBit(zero.data(), i, signed);
        }
    }

    /** Rows {@code [start, end)} of C, numbered over the batch: {@code c[row] = Σ_k (a[row][k] − za)·(b[k] − zb)}. */
    private void multiplyRows(int start, int end) {
        for (int unit = start; unit < end; unit++) {
            int entry = unit / m;
            int row = unit % m;
            int za = aZeros[aZeroLayout.index(aEntries[entry], row)];
            long aRow = aOffsets[entry] + (long) row * k;
            long cRow = (long) unit * n;
            for (int col = 0; col < n; col++) {
                c.setAtIndex(Tensor.I32, cRow + col, 0);
            }
            for (int i = 0; i < k; i++) {
                int av = QuantizedElements.eightBit(a, aRow + i, aSigned) - za;
                if (av == 0) {
                    continue;
                }
                long bRow = bOffsets[entry] + (long) i * n;
                for (int col = 0; col < n; col++) {
                    int bv = QuantizedElements.eightBit(b, bRow + col, bSigned) - bZeros[bZeroLayout.index(bEntries[entry], col)];
                    c.setAtIndex(Tensor.I32, cRow + col, c.getAtIndex(Tensor.I32, cRow + col) + av * bv);
                }
            }
        }
    }
}
