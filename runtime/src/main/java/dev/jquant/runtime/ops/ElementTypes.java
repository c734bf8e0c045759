package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** The element-type families the elementwise operators accept, and the check that names them. */
final class ElementTypes {

    static final Set<DType> FLOATS = Collections.unmodifiableSet(
            EnumSet.of(DType.FLOAT32, DType.FLOAT64, DType.FLOAT16, DType.BFLOAT16));
    /** Integers computed in long arithmetic; UINT64 is left out, as its values do not fit a signed long. */
    static final Set<DType> INTEGERS = Collections.unmodifiableSet(EnumSet.of(
            DType.INT8, DType.UINT8, DType.INT16, DType.UINT16, DType.INT32, DType.UINT32, DType.INT64));
    static final Set<DType> SIGNED_INTEGERS = Collections.unmodifiableSet(
            EnumSet.of(DType.INT8, DType.INT16, DType.INT32, DType.INT64));
    static final Set<DType> NUMERIC = union(FLOATS, INTEGERS);
    /** The numeric types including UINT64, for operands that are only read as values (Pow's exponent). */
    static final Set<DType> NUMERIC_WITH_UINT64 = union(NUMERIC, EnumSet.of(DType.UINT64));
    /** Every byte-aligned type: what Cast converts between and Where selects from. */
    static final Set<DType> ALL = union(NUMERIC_WITH_UINT64, EnumSet.of(DType.BOOL));

    private ElementTypes() {
    }

    /** Throws unless {@code actual} is in {@code allowed}, naming the operand, its type and the valid ones. */
    static void require(String operand, DType actual, Set<DType> allowed) {
        if (!allowed.contains(actual)) {
            throw new IllegalArgumentException(operand + " has element type " + actual + "; supported: " + allowed);
        }
    }

    /** Throws unless both operands have one type. */
    static void requireSame(String first, DType a, String second, DType b) {
        if (a != b) {
            throw new IllegalArgumentException(first + " and " + second + " must have the same element type, got "
                    + a + " and " + b);
        }
    }

    /** The smallest value of an integer type in {@link #INTEGERS}. */
    static long lowest(DType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    /** The largest value of an integer type in {@link #INTEGERS}. */
    static long highest(DType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case UINT8 -> 0xFF;
            case INT16 -> Short.MAX_VALUE;
            case UINT16 -> 0xFFFF;
            case INT32 -> Integer.MAX_VALUE;
            case UINT32 -> 0xFFFF_FFFFL;
            default -> Long.MAX_VALUE;
        };
    }

    static boolean isInteger(DType t) {
        return !t.isFloatingPoint();
    }

    @SafeVarargs
    static Set<DType> union(Set<DType>... sets) {
        EnumSet<DType> all = EnumSet.noneOf(DType.class);
        for (Set<DType> s : sets) {
            all.addAll(s);
        }
        return Collections.unmodifiableSet(all);
    }
}
