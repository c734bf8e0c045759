package dev.jquant.kernels.qgemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Packing keeps every weight, in both storage orders and at sizes that leave partial panels and pairs. */
class WeightPackingTest {

    @Test
    void int8WeightsReadBackInBothOrders() {
        Random random = new Random(1);
        for (int[] s : new int[][] {{1, 1}, {1, 17}, {3, 16}, {7, 33}, {64, 5}}) {
            int k = s[0];
            int n = s[1];
            byte[] w = new byte[k * n];
            random.nextBytes(w);
            w[0] = -128;
            float[] scales = new float[n];
            byte[] transposed = new byte[k * n];
            for (int kk = 0; kk < k; kk++) {
                for (int j = 0; j < n; j++) {
                    transposed[j * k + kk] = w[kk * n + j];
                }
            }
            PackedInt8Weights a = Int8WeightPacking.pack(MemorySegment.ofArray(w), 0, k, n, false, scales, Arena.ofAuto());
            PackedInt8Weights b = Int8WeightPacking.pack(prefixed(transposed, 3), 3, k, n, true, scales, Arena.ofAuto());
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int kk = 0; kk < k; kk++) {
                    assertEquals(w[kk * n + j], a.weight(kk, j), "K×N at " + kk + "," + j);
                    assertEquals(w[kk * n + j], b.weight(kk, j), "N×K at " + kk + "," + j);
                    sum += w[kk * n + j];
                }
                assertEquals(sum, a.columnSum(j));
                assertEquals(sum, b.columnSum(j));
            }
        }
    }

    @Test
    void int4WeightsReadBackSignedAndUnsigned() {
        Random random = new Random(2);
        for (int[] s : new int[][] {{1, 1}, {5, 3}, {32, 16}, {33, 17}, {100, 9}}) {
            int k = s[0];
            int n = s[1];
            for (int groupSize : new int[] {16, 32, 48}) {
                for (boolean signed : new boolean[] {true, false}) {
                    for (boolean transposed : new boolean[] {false, true}) {
                        int groups = (k + groupSize - 1) / groupSize;
                        int[] values = new int[k * n];
                        int[] zeros = new int[groups * n];
                        int low = signed ? -8 : 0;
                        for (int i = 0; i < values.length; i++) {
                            values[i] = low + random.nextInt(16);
                        }
                        for (int i = 0; i < zeros.length; i++) {
                            zeros[i] = low + random.nextInt(16);
                        }
                        byte[] packed = new byte[(k * n + 1) / 2];
                        for (int kk = 0; kk < k; kk++) {
                            for (int j = 0; j < n; j++) {
                                int e = transposed ? j * k + kk : kk * n + j;
                                packed[e / 2] |= (byte) ((values[kk * n + j] & 0x0F) << (e % 2 == 0 ? 0 : 4));
                            }
                        }
                        PackedInt4Weights w = Int4WeightPacking.pack(MemorySegment.ofArray(packed), 0, k, n, transposed,
                                signed, groupSize, new float[groups * n], zeros, Arena.ofAuto());
                        PackedInt4Weights symmetric = Int4WeightPacking.pack(MemorySegment.ofArray(packed), 0, k, n,
                                transposed, signed, groupSize, new float[groups * n], null, Arena.ofAuto());
                        for (int kk = 0; kk < k; kk++) {
                            for (int j = 0; j < n; j++) {
                                int v = values[kk * n + j];
                                String where = k + "×" + n + " g" + groupSize + (signed ? " int4" : " uint4")
                                        + (transposed ? " N×K" : " K×N") + " at " + kk + "," + j;
                                assertEquals(v - zeros[(kk / groupSize) * n + j], w.weight(kk, j), where);
                                assertEquals(v, symmetric.weight(kk, j), where);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void packingRejectsBadArguments() {
        MemorySegment w = MemorySegment.ofArray(new byte[12]);
        Arena arena = Arena.ofAuto();
        assertEquals("int8 weights of 4×4 = 16 bytes at offset 0 do not fit in a segment of 12 bytes",
                assertThrows(IllegalArgumentException.class,
                        () -> Int8WeightPacking.pack(w, 0, 4, 4, false, new float[4], arena)).getMessage());
        assertEquals("expected one weight scale per output column (4), got 3",
                assertThrows(IllegalArgumentException.class,
                        () -> Int8WeightPacking.pack(w, 0, 3, 4, false, new float[3], arena)).getMessage());
        assertEquals("weight scale of column 1 is not finite: NaN",
                assertThrows(IllegalArgumentException.class,
                        () -> Int8WeightPacking.pack(w, 0, 3, 4, false, new float[] {1, Float.NaN, 1, 1}, arena))
                        .getMessage());
        assertEquals("int4 group size must be a positive multiple of 16 (e.g. 32, 64, 128), was 24",
                assertThrows(IllegalArgumentException.class,
                        () -> Int4WeightPacking.pack(w, 0, 4, 4, false, true, 24, new float[4], null, arena))
                        .getMessage());
        assertEquals("expected 2 groups × 1 columns = 2 int4 weight scales, got 1",
                assertThrows(IllegalArgumentException.class,
                        () -> Int4WeightPacking.pack(w, 0, 17, 1, false, true, 16, new float[1], null, arena))
                        .getMessage());
        assertEquals("int4 zero point of group 0, column 1 is 8, outside [-8, 7]",
                assertThrows(IllegalArgumentException.class,
                        () -> Int4WeightPacking.pack(w, 0, 4, 3, false, true, 16, new float[3], new int[] {0, 8, 0},
                                arena)).getMessage());
    }

    private static MemorySegment prefixed(byte[] data, int offset) {
        MemorySegment s = Arena.ofAuto().allocate(data.length + offset);
        MemorySegment.copy(data, 0, s, ValueLayout.JAVA_BYTE, offset, data.length);
        return s;
    }
}
