package dev.jquant.runtime.ops;

import dev.jquant.runtime.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Multidirectional (numpy) broadcasting of a few inputs to one output, worked out once in prepare.
 *
 * <p>Dimensions of size 1 are dropped and neighbours that every input walks in step are merged, so
 * what remains is a few outer dimensions and one inner <em>row</em> along which each input is either
 * contiguous or one repeated value. The common cases collapse by themselves: equal shapes become one
 * long row, {@code [B,S,384] + [384]} becomes rows of 384 added to one contiguous vector, and
 * {@code [B,S,384] - [B,S,1]} becomes rows of 384 minus one value each; each row is one kernel call.
 *
 * <p>Work is split into <em>pieces</em> of at most {@link #PIECE} elements of one row, for
 * {@link dev.jquant.kernels.Parallel#forRange}.
 */
final class Broadcast {

    /** Elements per piece of work: a multiple of every vector width, so pieces end on vector boundaries. */
    static final int PIECE = 1 << 14;

    private final long[] outer;
    private final long[][] outerStrides;
    private final boolean[] repeatedInRow;
    private final long rowLength;
    private final int piecesPerRow;
    private final int pieces;

    private Broadcast(long[] outer, long[][] outerStrides, boolean[] repeatedInRow, long rowLength) {
        this.outer = outer;
        this.outerStrides = outerStrides;
        this.repeatedInRow = repeatedInRow;
        this.rowLength = rowLength;
        long rows = Tensor.elementCount(outer);
        long perRow = (rowLength + PIECE - 1) / PIECE;
        long total = rows * perRow;
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the output has " + rows * rowLength + " elements, more than can be split"
                    + " into " + Integer.MAX_VALUE + " pieces of " + PIECE);
        }
        this.piecesPerRow = (int) perRow;
        this.pieces = (int) total;
    }

    /** The broadcast shape of {@code shapes}, or an exception naming the dimension that disagrees. */
    static long[] shapeOf(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        long[] out = new long[rank];
        for (int d = 0; d < rank; d++) {
            long size = 1;
            for (long[] s : shapes) {
                int i = d - (rank - s.length);
                long sd = i >= 0 ? s[i] : 1;
                if (sd != 1) {
                    if (size != 1 && size != sd) {
                        throw new IllegalArgumentException("shapes " + show(shapes) + " cannot be broadcast together: "
                                + "dimension " + (d - rank) + " is " + size + " in one and " + sd + " in another");
                    }
                    size = sd;
                }
            }
            out[d] = size;
        }
        return out;
    }

    /** The plan for reading {@code inputShapes}, each broadcastable to {@code outShape}, in output order. */
    static Broadcast of(long[] outShape, long[]... inputShapes) {
        int rank = outShape.length;
        int n = inputShapes.length;
        // Per input, its element stride along each output dimension, 0 where the input repeats.
        long[][] strides = new long[n][rank];
        for (int k = 0; k < n; k++) {
            long[] s = inputShapes[k];
            long stride = 1;
            for (int d = rank - 1; d >= 0; d--) {
                int i = d - (rank - s.length);
                long size = i >= 0 ? s[i] : 1;
                strides[k][d] = size == 1 ? 0 : stride;
                stride *= size;
            }
        }
        // Merge from the innermost dimension outwards; merged entries keep their inner stride.
        List<Long> sizes = new ArrayList<>();
        List<long[]> mergedStrides = new ArrayList<>();
        for (int d = rank - 1; d >= 0; d--) {
            if (outShape[d] == 1) {
                continue;
            }
            int last = sizes.size() - 1;
            if (last >= 0 && continues(strides, d, mergedStrides.get(last), sizes.get(last))) {
                sizes.set(last, sizes.get(last) * outShape[d]);
            } else {
                long[] sd = new long[n];
                for (int k = 0; k < n; k++) {
                    sd[k] = strides[k][d];
                }
                sizes.add(outShape[d]);
                mergedStrides.add(sd);
            }
        }
        boolean[] repeated = new boolean[n];
        if (sizes.isEmpty()) {
            return new Broadcast(new long[0], new long[n][0], repeated, 1);
        }
        for (int k = 0; k < n; k++) {
            repeated[k] = mergedStrides.get(0)[k] == 0;
        }
        int outerRank = sizes.size() - 1;
        long[] outer = new long[outerRank];
        long[][] outerStrides = new long[n][outerRank];
        for (int j = 0; j < outerRank; j++) {
            int src = sizes.size() - 1 - j;
            outer[j] = sizes.get(src);
            for (int k = 0; k < n; k++) {
                outerStrides[k][j] = mergedStrides.get(src)[k];
            }
        }
        return new Broadcast(outer, outerStrides, repeated, sizes.get(0));
    }

    /** Whether every input steps through dimension {@code d} exactly as through the merged inner block. */
    private static boolean continues(long[][] strides, int d, long[] innerStrides, long innerSize) {
        for (int k = 0; k < strides.length; k++) {
            if (strides[k][d] != innerStrides[k] * innerSize) {
                return false;
            }
        }
        return true;
    }

    /** Number of pieces of work; 0 when the output is empty. */
    int pieces() {
        return pieces;
    }

    /** Pieces per parallel task, so that short rows are grouped into tasks of about {@link #PIECE} elements. */
    int grain() {
        return (int) Math.max(1, PIECE / Math.max(1, Math.min(rowLength, PIECE)));
    }

    long row(int piece) {
        return piece / piecesPerRow;
    }

    /** Position of the piece's first element within its row. */
    long start(int piece) {
        return (long) (piece % piecesPerRow) * PIECE;
    }

    int length(int piece) {
        return (int) Math.min(PIECE, rowLength - start(piece));
    }

    /** Whether input {@code k} is one value repeated along the row (else it is contiguous there). */
    boolean repeatedInRow(int k) {
        return repeatedInRow[k];
    }

    /** Element index in input {@code k} of position {@code start} of output row {@code row}. */
    long inputIndex(int k, long row, long start) {
        long index = repeatedInRow[k] ? 0 : start;
        long r = row;
        for (int d = outer.length - 1; d >= 0; d--) {
            index += (r % outer[d]) * outerStrides[k][d];
            r /= outer[d];
        }
        return index;
    }

    /** Element index in the output of position {@code start} of row {@code row}. */
    long outputIndex(long row, long start) {
        return row * rowLength + start;
    }

    private static String show(long[][] shapes) {
        StringBuilder sb = new StringBuilder();
        for (long[] s : shapes) {
            sb.append(sb.isEmpty() ? "" : " and ").append(Arrays.toString(s));
        }
        return sb.toString();
    }
}
