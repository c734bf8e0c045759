package dev.jquant.runtime.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BroadcastTest {

    private static long[] s(long... dims) {
        return dims;
    }

    @Test
    void shapesFollowNumpy() {
        assertArrayEquals(s(2, 3, 4), Broadcast.shapeOf(s(2, 3, 4), s(4)));
        assertArrayEquals(s(2, 3), Broadcast.shapeOf(s(2, 1), s(1, 3)));
        assertArrayEquals(s(5), Broadcast.shapeOf(s(), s(5)));
        assertArrayEquals(s(0, 3), Broadcast.shapeOf(s(0, 1), s(1, 3)));
        assertArrayEquals(s(2, 3, 4), Broadcast.shapeOf(s(3, 1), s(2, 1, 4), s()));
    }

    @Test
    void incompatibleShapesNameTheDimension() {
        String m = assertThrows(IllegalArgumentException.class, () -> Broadcast.shapeOf(s(2, 3), s(4))).getMessage();
        assertEquals("shapes [2, 3] and [4] cannot be broadcast together: dimension -1 is 3 in one and 4 in another", m);
        assertThrows(IllegalArgumentException.class, () -> Broadcast.shapeOf(s(0), s(2)));
    }

    @Test
    void equalShapesBecomeOneRow() {
        Broadcast b = Broadcast.of(s(2, 3, 4), s(2, 3, 4), s(2, 3, 4));
        assertEquals(1, b.pieces());
        assertEquals(24, b.length(0));
        assertFalse(b.repeatedInRow(0));
        assertFalse(b.repeatedInRow(1));
    }

    @Test
    void trailingVectorRepeatsPerRow() {
        Broadcast b = Broadcast.of(s(2, 3, 384), s(2, 3, 384), s(384));
        assertEquals(6, b.pieces());
        assertEquals(384, b.length(5));
        assertEquals(5 * 384, b.inputIndex(0, b.row(5), b.start(5)));
        assertEquals(0, b.inputIndex(1, b.row(5), b.start(5)));
        assertFalse(b.repeatedInRow(1));
        assertEquals(Broadcast.PIECE / 384, b.grain());
    }

    @Test
    void keptDimensionOfOneIsOneValuePerRow() {
        Broadcast b = Broadcast.of(s(2, 3, 384), s(2, 3, 384), s(2, 3, 1));
        assertEquals(6, b.pieces());
        assertTrue(b.repeatedInRow(1));
        assertEquals(4, b.inputIndex(1, 4, 0));
        assertEquals(4 * 384, b.outputIndex(4, 0));
    }

    @Test
    void outerProductWalksBothInputs() {
        // [5,1,3] x [1,4,1] -> [5,4,3]: rows of 3 along which input 1 repeats
        Broadcast b = Broadcast.of(s(5, 4, 3), s(5, 1, 3), s(1, 4, 1));
        assertEquals(20, b.pieces());
        assertTrue(b.repeatedInRow(1));
        assertFalse(b.repeatedInRow(0));
        // row 7 = (i=1, j=3): input 0 row starts at 1*3, input 1 at j=3
        assertEquals(3, b.inputIndex(0, 7, 0));
        assertEquals(3, b.inputIndex(1, 7, 0));
    }

    @Test
    void longRowsSplitIntoPieces() {
        Broadcast b = Broadcast.of(s(3, 40_000), s(3, 40_000), s(3, 40_000));
        // equal shapes merge into one row of 120000 elements
        assertEquals((120_000 + Broadcast.PIECE - 1) / Broadcast.PIECE, b.pieces());
        int last = b.pieces() - 1;
        assertEquals(120_000 - (long) last * Broadcast.PIECE, b.length(last));
        assertEquals((long) last * Broadcast.PIECE, b.inputIndex(1, b.row(last), b.start(last)));
    }

    @Test
    void scalarsAndEmptyOutputs() {
        Broadcast scalar = Broadcast.of(s(), s(), s());
        assertEquals(1, scalar.pieces());
        assertEquals(1, scalar.length(0));
        assertEquals(0, Broadcast.of(s(2, 0, 3), s(2, 0, 3), s(3)).pieces());
    }
}
