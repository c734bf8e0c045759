package dev.jquant.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense tensor: an element type, a shape and the memory that holds its elements in row-major order,
 * little-endian. The memory may be a view into a mapped model file, a session's arena or the heap; a
 * tensor never copies it. Tensors are built from an explicit type, shape and memory, never by
 * reflecting over nested arrays.
 */
public final class Tensor {

    /** Little-endian layouts used for every tensor access. */
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final long[] shape;
    private final long elementCount;
    private final MemorySegment data;

    private Tensor(DType dtype, long[] shape, MemorySegment data) {
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.elementCount = elementCount(this.shape);
        this.data = Objects.requireNonNull(data, "data");
        long needed = dtype.byteSize(elementCount);
        if (data.byteSize() != needed) {
            throw new IllegalArgumentException("a " + dtype + " tensor of shape " + Arrays.toString(shape)
                    + " needs " + needed + " bytes, the memory given holds " + data.byteSize());
        }
    }

    /** Wraps {@code data} (exactly {@code dtype.byteSize(elements)} bytes) without copying it. */
    public static Tensor of(DType dtype, long[] shape, MemorySegment data) {
        return new Tensor(dtype, shape, data);
    }

    /** A zero-filled tensor on the heap. */
    public static Tensor allocate(DType dtype, long... shape) {
        long bytes = dtype.byteSize(elementCount(shape));
        return new Tensor(dtype, shape, Arena.ofAuto().allocate(Math.max(bytes, 1), 64).asSlice(0, bytes));
    }

    public static Tensor ofFloats(float[] values, long... shape) {
        Tensor t = allocate(DType.FLOAT32, checkCount(values.length, shape));
        MemorySegment.copy(values, 0, t.data, F32, 0, values.length);
        return t;
    }

    public static Tensor ofLongs(long[] values, long... shape) {
        Tensor t = allocate(DType.INT64, checkCount(values.length, shape));
        MemorySegment.copy(values, 0, t.data, I64, 0, values.length);
        return t;
    }

    public static Tensor ofInts(int[] values, long... shape) {
        Tensor t = allocate(DType.INT32, checkCount(values.length, shape));
        MemorySegment.copy(values, 0, t.data, I32, 0, values.length);
        return t;
    }

    public static Tensor scalarLong(long value) {
        return ofLongs(new long[] {value});
    }

    private static long[] checkCount(int count, long[] shape) {
        if (elementCount(shape) != count) {
            throw new IllegalArgumentException(count + " values do not fill shape " + Arrays.toString(shape));
        }
        return shape;
    }

    /** Product of the dimensions; 1 for a scalar (rank 0). Rejects negative dimensions and overflow. */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** True when this tensor's shape is {@code other} (compares without copying). */
    public boolean hasShape(long[] other) {
        return java.util.Arrays.equals(shape, other);
    }

    /** Dimension {@code axis}, negative axes counting from the end. */
    public long dim(int axis) {
        return shape[axis < 0 ? axis + shape.length : axis];
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        return elementCount;
    }

    public long byteSize() {
        return data.byteSize();
    }

    /** The memory holding the elements; a view, not a copy. */
    public MemorySegment data() {
        return data;
    }

    /** The same memory seen with another shape of the same element count. */
    public Tensor reshape(long... newShape) {
        return new Tensor(dtype, newShape, data);
    }

    /** A deep copy on the heap. */
    public Tensor copy() {
        Tensor t = allocate(dtype, shape);
        MemorySegment.copy(data, 0, t.data, 0, data.byteSize());
        return t;
    }

    public float getFloat(long index) {
        return data.getAtIndex(F32, index);
    }

    public long getLong(long index) {
        return data.getAtIndex(I64, index);
    }

    public float[] toFloatArray() {
        requireType(DType.FLOAT32);
        return data.toArray(F32);
    }

    public long[] toLongArray() {
        requireType(DType.INT64);
        return data.toArray(I64);
    }

    public int[] toIntArray() {
        requireType(DType.INT32);
        return data.toArray(I32);
    }

    /**
     * Reads any integer tensor (int8..int64, uint8..uint32, bool) as longs; used for shape-like
     * operands (axes, shapes, indices) whatever integer type the model chose.
     */
    public long[] toLongArrayWidening() {
        int n = Math.toIntExact(elementCount);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dtype) {
                case INT64, UINT64 -> data.getAtIndex(I64, i);
                case INT32 -> data.getAtIndex(I32, i);
                case UINT32 -> Integer.toUnsignedLong(data.getAtIndex(I32, i));
                case INT16 -> data.getAtIndex(I16, i);
                case UINT16 -> Short.toUnsignedInt(data.getAtIndex(I16, i));
                case INT8 -> data.get(ValueLayout.JAVA_BYTE, i);
                case UINT8, BOOL -> Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, i));
                default -> throw new IllegalStateException("not an integer tensor: " + dtype);
            };
        }
        return out;
    }

    private void requireType(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("tensor is " + dtype + ", not " + expected);
        }
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
