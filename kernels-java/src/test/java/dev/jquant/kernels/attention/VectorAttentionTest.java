package dev.jquant.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector attention products against the scalar reference, bit for bit (both sum each element by fused
 * multiply-adds in the same order), at every width, over sizes around the register tile (four rows, two
 * vectors) with a head's columns inside wider rows at an offset; and the reference against the definition
 * computed in double.
 */
class VectorAttentionTest {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static MemorySegment random(Arena arena, Random random, long floats) {
        MemorySegment m = arena.allocate(floats * Float.BYTES);
        for (long i = 0; i < floats; i++) {
            m.setAtIndex(F32, i, random.nextFloat() * 2 - 1);
        }
        return m;
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void scoresMatchTheReferenceExactly(int bits) {
        VectorAttention vector = VectorAttention.forBits(bits);
        ScalarAttention scalar = ScalarAttention.INSTANCE;
        int lanes = bits / 32;
        Random random = new Random(bits);
        for (int queries : new int[] {1, 3, 4, 5, 9}) {
            for (int keys : new int[] {1, lanes, 2 * lanes, 2 * lanes + 1, 5 * lanes + 3}) {
                for (int d : new int[] {1, 7, 32}) {
                    try (Arena arena = Arena.ofConfined()) {
                        int width = 3 * d + 2; // three heads and a little; this one starts at column d + 1
                        MemorySegment q = random(arena, random, (long) queries * width);
                        MemorySegment k = random(arena, random, (long) keys * width);
                        int lds = vector.scoreStride(keys) + 3;
                        MemorySegment expected = arena.allocate((long) queries * lds * Float.BYTES);
                        MemorySegment actual = arena.allocate((long) queries * lds * Float.BYTES);
                        scalar.scores(q, d + 1, width, k, d + 1, width, queries, keys, d, 0.37f, expected, 0, lds);
                        vector.scores(q, d + 1, width, k, d + 1, width, queries, keys, d, 0.37f, actual, 0, lds);
                        for (int i = 0; i < queries; i++) {
                            for (int j = 0; j < keys; j++) {
                                long at = (long) i * lds + j;
                                assertEquals(expected.getAtIndex(F32, at), actual.getAtIndex(F32, at),
                                        "queries " + queries + " keys " + keys + " d " + d + ": S[" + i + ", " + j + "]");
                            }
                        }
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) q.getAtIndex(F32, (queries - 1L) * width + d + 1 + c)
                                    * k.getAtIndex(F32, (keys - 1L) * width + d + 1 + c);
                        }
                        assertEquals(0.37 * dot, expected.getAtIndex(F32, (queries - 1L) * lds + keys - 1), 1e-5);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256, 512})
    void mixMatchesTheReferenceExactly(int bits) {
        VectorAttention vector = VectorAttention.forBits(bits);
        ScalarAttention scalar = ScalarAttention.INSTANCE;
        int lanes = bits / 32;
        Random random = new Random(bits + 1);
        for (int queries : new int[] {1, 3, 4, 6}) {
            for (int keys : new int[] {1, 5, 2 * lanes + 1, 40}) {
                for (int e : new int[] {1, lanes, 2 * lanes, 2 * lanes + 3, 4 * lanes}) {
                    try (Arena arena = Arena.ofConfined()) {
                        int ldp = keys + 2;
                        int ldv = 2 * e + 1;
                        int ldy = 2 * e + 5;
                        MemorySegment p = random(arena, random, (long) queries * ldp);
                        MemorySegment v = random(arena, random, (long) keys * ldv);
                        MemorySegment expected = arena.allocate((long) queries * ldy * Float.BYTES);
                        MemorySegment actual = arena.allocate((long) queries * ldy * Float.BYTES);
                        scalar.mix(p, 1, ldp, v, e, ldv, queries, keys, e, expected, 2, ldy);
                        vector.mix(p, 1, ldp, v, e, ldv, queries, keys, e, actual, 2, ldy);
                        for (long at = 0; at < (long) queries * ldy; at++) {
                            assertEquals(expected.getAtIndex(F32, at), actual.getAtIndex(F32, at),
                                    "queries " + queries + " keys " + keys + " e " + e + ": element " + at);
                        }
                        double sum = 0;
                        for (int j = 0; j < keys; j++) {
                            sum += (double) p.getAtIndex(F32, 1 + j) * v.getAtIndex(F32, e + (long) j * ldv + e - 1);
                        }
                        assertEquals(sum, expected.getAtIndex(F32, 2 + e - 1), 1e-5);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} bits")
    @ValueSource(ints = {128, 256})
    void aScoreStrideBelowTheTileIsRefused(int bits) {
        VectorAttention vector = VectorAttention.forBits(bits);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(4096);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> vector.scores(m, 0, 4, m, 0, 4, 2, 3, 4, 1f, m, 0, 3));
            assertEquals("score row stride 3 is below scoreStride(3) = " + vector.scoreStride(3), e.getMessage());
        }
    }
}
