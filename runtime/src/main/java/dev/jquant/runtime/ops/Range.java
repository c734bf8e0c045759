package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;

/**
 * ONNX Range: {@code start, start + delta, ...} while below {@code limit} (above it for a negative delta),
 * {@code max(ceil((limit - start) / delta), 0)} elements. The three scalars must be known while planning,
 * so the output is a plan constant and the node never runs.
 */
final class Range implements Operator {

    @Override
    public void prepare(PrepareContext ctx) {
        Tensor start = ctx.requireConstantInput(0, "start");
        Tensor limit = ctx.requireConstantInput(1, "limit");
        Tensor delta = ctx.requireConstantInput(2, "delta");
        DType dtype = start.dtype();
        if (limit.dtype() != dtype || delta.dtype() != dtype) {
            throw new IllegalArgumentException("start, limit and delta must have one type, got " + dtype + ", "
                    + limit.dtype() + ", " + delta.dtype());
        }
        if (start.elementCount() != 1 || limit.elementCount() != 1 || delta.elementCount() != 1) {
            throw new IllegalArgumentException("start, limit and delta must be scalars, got " + start + ", " + limit
                    + ", " + delta);
        }
        ctx.setConstantOutput(0, switch (dtype) {
            case FLOAT32 -> floats(start.getFloat(0), limit.getFloat(0), delta.getFloat(0));
            case FLOAT64 -> doubles(start.data().get(Tensor.F64, 0), limit.data().get(Tensor.F64, 0),
                    delta.data().get(Tensor.F64, 0));
            case INT16, INT32, INT64 -> integers(dtype, start.toLongArrayWidening()[0], limit.toLongArrayWidening()[0],
                    delta.toLongArrayWidening()[0]);
            default -> throw new IllegalArgumentException("type " + dtype
                    + " is not supported; valid: FLOAT32, FLOAT64, INT16, INT32, INT64");
        });
    }

    private static long count(double start, double limit, double delta) {
        if (delta == 0) {
            throw new IllegalArgumentException("delta must not be 0");
        }
        return checked(Math.max(Math.ceil((limit - start) / delta), 0));
    }

    /** Range's output is built while planning, so a runaway size must fail clearly, not exhaust the heap. */
    private static long checked(double count) {
        if (!(count <= Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("the range would have " + count + " elements; at most "
                    + Integer.MAX_VALUE + " are supported");
        }
        return (long) count;
    }

    private static Tensor floats(float start, float limit, float delta) {
        int n = (int) count(start, limit, delta);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = start + i * delta;
        }
        return Tensor.ofFloats(v, n);
    }

    private static Tensor doubles(double start, double limit, double delta) {
        long n = count(start, limit, delta);
        Tensor t = Tensor.allocate(DType.FLOAT64, n);
        for (long i = 0; i < n; i++) {
            t.data().setAtIndex(Tensor.F64, i, start + i * delta);
        }
        return t;
    }

    private static Tensor integers(DType dtype, long start, long limit, long delta) {
        if (delta == 0) {
            throw new IllegalArgumentException("delta must not be 0");
        }
        long n = checked(Math.max(Math.ceilDiv(Math.subtractExact(limit, start), delta), 0));
        Tensor t = Tensor.allocate(dtype, n);
        int bytes = dtype.byteSize();
        for (long i = 0; i < n; i++) {
            ElementBytes.write(t.data(), i * bytes, bytes, start + i * delta);
        }
        return t;
    }

    /** Nothing to compute: the output was set as a constant in prepare. */
    @Override
    public void execute(ExecContext ctx) {
    }
}
