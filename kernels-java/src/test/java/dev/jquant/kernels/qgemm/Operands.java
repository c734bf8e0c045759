package dev.jquant.kernels.qgemm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Random operands of a quantized GEMM for the tests: activations, packed weights (int8 or int4), a bias
 * and an output scale that makes requantized results span the 8-bit range (some saturate).
 *
 * <p>{@code scheme} 0..3 picks the activations — uint8 per tensor, uint8 per row, int8 per tensor, int8
 * per row — with {@code scheme} bytes of padding between rows; for int4 weights an odd scheme means
 * uint4 with zero points (else symmetric int4), and schemes 2 and 3 store the weights {@code N×K}.
 */
final class Operands {

    final QuantizedActivations a;
    final int k;
    final int n;
    final int scheme;
    final long seed;
    final PackedInt8Weights int8;
    final PackedInt4Weights int4;
    /** The raw weights before packing (int8 bytes, or two int4 per byte), for tests that overwrite them. */
    final MemorySegment weights;
    final float[] bias;
    final float outScale;
    private final float[] weightScales;
    /** int4 zero points ({@code [group][column]}, null when symmetric), for tests that overwrite them. */
    final int[] weightZeros;
    private final int groupSize;

    private Operands(QuantizedActivations a, int k, int n, int scheme, long seed, MemorySegment weights,
            float[] weightScales, int[] weightZeros, int groupSize, float[] bias, float outScale) {
        this.a = a;
        this.k = k;
        this.n = n;
        this.scheme = scheme;
        this.seed = seed;
        this.weights = weights;
        this.weightScales = weightScales;
        this.weightZeros = weightZeros;
        this.groupSize = groupSize;
        this.bias = bias;
        this.outScale = outScale;
        boolean transposed = groupSize == 0 ? (seed & 1) != 0 : scheme >= 2;
        if (groupSize == 0) {
            int8 = Int8WeightPacking.pack(weights, 0, k, n, transposed, weightScales, Arena.ofAuto());
            int4 = null;
        } else {
            int8 = null;
            int4 = Int4WeightPacking.pack(weights, 0, k, n, transposed, weightZeros == null, groupSize, weightScales,
                    weightZeros, Arena.ofAuto());
        }
    }

    static Operands int8(int m, int k, int n, long seed, int scheme) {
        Random random = new Random(seed);
        QuantizedActivations a = activations(m, k, scheme, random);
        MemorySegment w = bytes((long) k * n, random);
        float[] scales = new float[n];
        for (int j = 0; j < n; j++) {
            scales[j] = 0.001f + random.nextFloat() * 0.001f;
        }
        float typical = (float) (74 * 74 * Math.sqrt(k) * 0.015 * 0.0015);
        return new Operands(a, k, n, scheme, seed, w, scales, null, 0, bias(n, typical, random), typical * 2 / 100);
    }

    static Operands int4(int m, int k, int n, int groupSize, long seed, int scheme) {
        Random random = new Random(seed);
        QuantizedActivations a = activations(m, k, scheme, random);
        MemorySegment w = bytes(((long) k * n + 1) / 2, random);
        int groups = (k + groupSize - 1) / groupSize;
        float[] scales = new float[groups * n];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = 0.01f + random.nextFloat() * 0.01f;
        }
        int[] zeros = null;
        if ((scheme & 1) != 0) {
            zeros = new int[groups * n];
            for (int i = 0; i < zeros.length; i++) {
                zeros[i] = random.nextInt(16);
            }
        }
        float typical = (float) (74 * 4.6 * Math.sqrt(k) * 0.015 * 0.015);
        return new Operands(a, k, n, scheme, seed, w, scales, zeros, groupSize, bias(n, typical, random),
                typical * 2 / 100);
    }

    /** The same operands packed again from {@link #weights} (after a test overwrote them). */
    Operands repacked() {
        return new Operands(a, k, n, scheme, seed, weights, weightScales, weightZeros, groupSize, bias, outScale);
    }

    /** The integer weight (int8, or int4 minus its zero point). */
    int weight(int kk, int j) {
        return int8 != null ? int8.weight(kk, j) : int4.weight(kk, j);
    }

    float weightScale(int group, int j) {
        return int8 != null ? int8.scale(j) : int4.scale(group, j);
    }

    private static QuantizedActivations activations(int m, int k, int scheme, Random random) {
        boolean signed = scheme >= 2;
        boolean perRow = (scheme & 1) != 0;
        int stride = k + scheme;
        MemorySegment data = bytes(Math.max(1, (long) m * stride), random);
        int count = perRow ? m : 1;
        float[] scales = new float[count];
        int[] zeros = new int[count];
        for (int i = 0; i < count; i++) {
            scales[i] = 0.01f + random.nextFloat() * 0.01f;
            zeros[i] = signed ? random.nextInt(256) - 128 : random.nextInt(256);
        }
        return new QuantizedActivations(data, m, k, stride, signed, scales, zeros);
    }

    private static MemorySegment bytes(long count, Random random) {
        byte[] b = new byte[(int) count];
        random.nextBytes(b);
        MemorySegment s = Arena.ofAuto().allocate(count, 64);
        s.copyFrom(MemorySegment.ofArray(b));
        return s;
    }

    private static float[] bias(int n, float typical, Random random) {
        float[] b = new float[n];
        for (int j = 0; j < n; j++) {
            b[j] = (random.nextFloat() * 2 - 1) * typical;
        }
        return b;
    }

    @Override
    public String toString() {
        return (int8 != null ? "int8" : "int4 g" + groupSize + (weightZeros == null ? " symmetric" : " with zeros"))
                + " M=" + a.rows() + " K=" + k + " N=" + n + " scheme=" + scheme + " seed=" + seed;
    }
}
