package dev.jquant.runtime.format;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a stored tensor encodes a logical tensor: the quantization scheme of its values and the layout of
 * its nonzeros. The stored tensor (the graph initializer) holds the codes; the tensors named here
 * (scale, zero point, codebook, sparse indices) are other initializers of the same file, which are
 * themselves plain. A plain tensor has no descriptor. The rules are those of docs/format.md, section
 * "Quantization descriptor"; the constructor checks those that need no other tensor, {@link #validate}
 * the rest.
 *
 * @param bits bits per code: 1..16 for LINEAR, 1..8 for CODEBOOK, 0 for NONE
 * @param signed whether LINEAR codes are two's complement
 * @param axis {@link #PER_TENSOR}, or the logical axis along which scales vary
 * @param groupSize 0 for one scale per index of {@code axis}; else one scale per block of this many
 *        consecutive indices along {@code axis} (ONNX DequantizeLinear's {@code block_size})
 * @param scale name of the scale tensor (LINEAR), else null
 * @param zeroPoint name of the zero-point tensor (LINEAR, null when symmetric), else null
 * @param codebook name of the codebook tensor (CODEBOOK), else null
 * @param logicalShape the shape of the tensor the codes decode to
 */
public record QuantizationDescriptor(Scheme scheme, int bits, boolean signed, int axis, int groupSize,
        String scale, String zeroPoint, String codebook, Sparsity sparsity, long[] logicalShape) {

    public static final int PER_TENSOR = -1;

    /** How codes map to values. */
    public enum Scheme {
        /** The stored values are the values (only with a sparse layout; a dense plain tensor has no descriptor). */
        NONE(0),
        /** value = (code - zeroPoint) * scale, with scale and zero point per tensor, axis or block. */
        LINEAR(1),
        /** value = codebook[code]; the codebook has exactly 2^bits entries. */
        CODEBOOK(2);

        private final int code;

        Scheme(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        public static Optional<Scheme> fromCode(long code) {
            return Arrays.stream(values()).filter(s -> s.code == code).findFirst();
        }
    }

    /**
     * Which logical elements are stored.
     *
     * @param n nonzeros per group (N_M), else 0
     * @param m group length along the last logical axis (N_M), else 0
     * @param indices CSR: column index of each stored value (INT32/INT64); N_M: position of each stored
     *        value within its group (UINT8); else null
     * @param rowPointers CSR: start of each row in the stored values, plus the end (INT32/INT64); else null
     */
    public record Sparsity(Layout layout, int n, int m, String indices, String rowPointers) {

        public enum Layout {
            /** Every logical element is stored, in row-major order. */
            DENSE(0),
            /** Compressed sparse rows over the 2-D view [logical[0], product of the other dims]. */
            CSR(1),
            /** At most n nonzeros in every m consecutive elements of the last axis; exactly n stored per group. */
            N_M(2);

            private final int code;

            Layout(int code) {
                this.code = code;
            }

            public int code() {
                return code;
            }

            public static Optional<Layout> fromCode(long code) {
                return Arrays.stream(values()).filter(l -> l.code == code).findFirst();
            }
        }

        public static final Sparsity DENSE = new Sparsity(Layout.DENSE, 0, 0, null, null);

        public Sparsity {
            Objects.requireNonNull(layout, "sparsity layout");
            switch (layout) {
                case DENSE, CSR -> {
                    require(n == 0 && m == 0, "sparsity n/m", "must be 0 for " + layout + ", were " + n + "/" + m);
                }
                case N_M -> require(n >= 1 && n < m && m <= 255, "sparsity n/m",
                        "N:M needs 1 <= n < m <= 255, was " + n + ":" + m);
            }
            require((indices != null) == (layout != Layout.DENSE), "sparse indices",
                    layout == Layout.DENSE ? "must be absent for DENSE" : "required for " + layout);
            require((rowPointers != null) == (layout == Layout.CSR), "sparse row pointers",
                    layout == Layout.CSR ? "required for CSR" : "must be absent for " + layout);
        }

        public static Sparsity csr(String rowPointers, String indices) {
            return new Sparsity(Layout.CSR, 0, 0, indices, rowPointers);
        }

        public static Sparsity nOfM(int n, int m, String indices) {
            return new Sparsity(Layout.N_M, n, m, indices, null);
        }
    }

    public QuantizationDescriptor {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(sparsity, "sparsity");
        logicalShape = Objects.requireNonNull(logicalShape, "logicalShape").clone();
        require(logicalShape.length <= JqmFormat.MAX_RANK, "logical rank",
                logicalShape.length + " exceeds the maximum rank " + JqmFormat.MAX_RANK);
        long elements = 1;
        for (long d : logicalShape) {
            if (d < 0) {
                throw problem("logical shape", "dimensions must be >= 0, found " + d);
            }
            if (d != 0 && elements > Long.MAX_VALUE / d) {
                throw problem("logical shape", Arrays.toString(logicalShape) + " has more than 2^63 elements");
            }
            elements *= d;
        }
        switch (scheme) {
            case NONE -> {
                require(bits == 0, "bits", "must be 0 for scheme NONE, was " + bits);
                require(!signed, "signed", "must be false for scheme NONE");
                require(axis == PER_TENSOR && groupSize == 0, "axis/groupSize", "must be -1/0 for scheme NONE");
                require(scale == null && zeroPoint == null && codebook == null, "scale/zeroPoint/codebook",
                        "must be absent for scheme NONE");
                require(sparsity.layout() != Sparsity.Layout.DENSE, "scheme",
                        "NONE with DENSE layout is a plain tensor, which has no descriptor");
            }
            case LINEAR -> {
                require(bits >= 1 && bits <= 16, "bits", "must be 1..16 for LINEAR, was " + bits);
                require(scale != null, "scale", "required for LINEAR");
                require(codebook == null, "codebook", "must be absent for LINEAR");
                require(axis >= PER_TENSOR && axis < logicalShape.length, "axis", "must be -1 (per tensor) or 0.."
                        + (logicalShape.length - 1) + " for logical rank " + logicalShape.length + ", was " + axis);
                require(groupSize >= 0 && (axis != PER_TENSOR || groupSize == 0), "groupSize",
                        "must be >= 0, and 0 when per tensor; was " + groupSize);
            }
            case CODEBOOK -> {
                require(bits >= 1 && bits <= 8, "bits", "must be 1..8 for CODEBOOK, was " + bits);
                require(!signed, "signed", "must be false for CODEBOOK (codes are indices)");
                require(axis == PER_TENSOR && groupSize == 0, "axis/groupSize", "must be -1/0 for CODEBOOK");
                require(scale == null && zeroPoint == null, "scale/zeroPoint", "must be absent for CODEBOOK");
                require(codebook != null, "codebook", "required for CODEBOOK");
            }
        }
        switch (sparsity.layout()) {
            case DENSE -> { }
            case CSR -> require(logicalShape.length >= 2, "sparsity", "CSR needs logical rank >= 2, was "
                    + logicalShape.length);
            case N_M -> require(logicalShape.length >= 1
                    && logicalShape[logicalShape.length - 1] % sparsity.m() == 0, "sparsity",
                    "N:M needs a last logical dimension divisible by m=" + sparsity.m() + ", shape is "
                            + Arrays.toString(logicalShape));
        }
    }

    /** LINEAR codes of {@code bits} bits; {@code axis} {@link #PER_TENSOR} or per axis/block. */
    public static QuantizationDescriptor linear(int bits, boolean signed, int axis, int groupSize, String scale,
            String zeroPoint, long[] logicalShape) {
        return new QuantizationDescriptor(Scheme.LINEAR, bits, signed, axis, groupSize, scale, zeroPoint, null,
                Sparsity.DENSE, logicalShape);
    }

    public static QuantizationDescriptor codebook(int bits, String codebook, long[] logicalShape) {
        return new QuantizationDescriptor(Scheme.CODEBOOK, bits, false, PER_TENSOR, 0, null, null, codebook,
                Sparsity.DENSE, logicalShape);
    }

    /** Unquantized values stored sparsely. */
    public static QuantizationDescriptor sparse(Sparsity sparsity, long[] logicalShape) {
        return new QuantizationDescriptor(Scheme.NONE, 0, false, PER_TENSOR, 0, null, null, null, sparsity,
                logicalShape);
    }

    public QuantizationDescriptor withSparsity(Sparsity newSparsity) {
        return new QuantizationDescriptor(scheme, bits, signed, axis, groupSize, scale, zeroPoint, codebook,
                newSparsity, logicalShape);
    }

    @Override
    public long[] logicalShape() {
        return logicalShape.clone();
    }

    /**
     * Checks this descriptor against the tensors it describes and names. Both the writer (before writing)
     * and the reader (before handing tensors to kernels) run it, so no kernel sees an index out of range.
     *
     * @param tensorName the stored tensor this descriptor belongs to
     * @param tensors every tensor of the file by name
     * @param described names of the tensors that have a descriptor (referenced tensors must be plain)
     * @throws IllegalArgumentException naming the field that is wrong
     */
    public void validate(String tensorName, Map<String, Tensor> tensors, Set<String> described) {
        Tensor stored = tensors.get(tensorName);
        require(stored != null, "tensor", "no tensor named '" + tensorName + "'");
        long logicalElements = Tensor.elementCount(logicalShape);
        long codes = switch (sparsity.layout()) {
            case DENSE -> logicalElements;
            case CSR -> validateCsr(referenced("sparse row pointers", sparsity.rowPointers(), tensorName, tensors, described),
                    referenced("sparse indices", sparsity.indices(), tensorName, tensors, described));
            case N_M -> validateNOfM(referenced("sparse indices", sparsity.indices(), tensorName, tensors, described),
                    logicalElements);
        };
        switch (scheme) {
            case NONE -> require(stored.elementCount() == codes, "stored tensor", "holds " + stored.elementCount()
                    + " values, the sparse layout stores " + codes);
            case LINEAR -> {
                validateCodes(stored, codes);
                Tensor s = referenced("scale", scale, tensorName, tensors, described);
                require(s.dtype().isFloatingPoint() && s.dtype() != DType.FLOAT64, "scale",
                        "must be FLOAT32, FLOAT16 or BFLOAT16, was " + s.dtype());
                long[] expected = scaleShape();
                require(axis == PER_TENSOR ? s.elementCount() == 1 : Arrays.equals(s.shape(), expected), "scale",
                        "shape " + Arrays.toString(s.shape()) + " does not fit axis " + axis + ", group size "
                                + groupSize + " and logical shape " + Arrays.toString(logicalShape)
                                + (axis == PER_TENSOR ? "; expected 1 element" : "; expected " + Arrays.toString(expected)));
                if (zeroPoint != null) {
                    Tensor z = referenced("zeroPoint", zeroPoint, tensorName, tensors, described);
                    require(switch (z.dtype()) {
                        case INT4, UINT4, INT8, UINT8, INT16, UINT16, INT32 -> true;
                        default -> false;
                    }, "zeroPoint", "must be INT4, UINT4, INT8, UINT8, INT16, UINT16 or INT32, was " + z.dtype());
                    require(Arrays.equals(z.shape(), s.shape()), "zeroPoint", "shape " + Arrays.toString(z.shape())
                            + " differs from the scale's " + Arrays.toString(s.shape()));
                }
            }
            case CODEBOOK -> {
                validateCodes(stored, codes);
                Tensor c = referenced("codebook", codebook, tensorName, tensors, described);
                require(c.dtype().isFloatingPoint() && c.dtype() != DType.FLOAT64, "codebook",
                        "must be FLOAT32, FLOAT16 or BFLOAT16, was " + c.dtype());
                require(c.rank() == 1 && c.dim(0) == 1L << bits, "codebook", "must have shape [" + (1L << bits)
                        + "] (2^bits entries), was " + Arrays.toString(c.shape()));
            }
        }
    }

    /**
     * For LINEAR: the index into the scale (and zero-point) tensor, in row-major order, that logical element
     * {@code i} (a row-major index) uses.
     */
    public long parameterIndex(long i) {
        if (axis == PER_TENSOR) {
            return 0;
        }
        long inner = 1;
        for (int d = axis + 1; d < logicalShape.length; d++) {
            inner *= logicalShape[d];
        }
        long along = (i / inner) % logicalShape[axis];
        if (groupSize == 0) {
            return along;
        }
        long blocks = (logicalShape[axis] + groupSize - 1) / groupSize;
        long outer = i / (inner * logicalShape[axis]);
        return (outer * blocks + along / groupSize) * inner + i % inner;
    }

    /** The shape of the scale (and zero-point) tensor LINEAR quantization needs: § 7.1 of the format. */
    public long[] parameterShape() {
        return scaleShape();
    }

    /** Scale shape of per-axis or blocked LINEAR quantization. */
    private long[] scaleShape() {
        if (axis == PER_TENSOR) {
            return new long[] {1};
        }
        if (groupSize == 0) {
            return new long[] {logicalShape[axis]};
        }
        long[] shape = logicalShape.clone();
        shape[axis] = (shape[axis] + groupSize - 1) / groupSize;
        return shape;
    }

    /** Codes are packed LSB first into UINT8 bytes, or stored in the integer type of exactly {@code bits} bits. */
    private void validateCodes(Tensor stored, long codes) {
        DType t = stored.dtype();
        boolean exact = switch (t) {
            case INT4, INT8, INT16 -> signed && t.bits() == bits;
            case UINT4, UINT8, UINT16 -> !signed && t.bits() == bits;
            default -> false;
        };
        require(exact || t == DType.UINT8, "stored tensor", "dtype " + t + " cannot hold " + bits + "-bit "
                + (signed ? "signed" : "unsigned") + " codes; use UINT8 (packed) or the integer type of " + bits + " bits");
        require(codes <= Long.MAX_VALUE / 16, "stored tensor", codes + " codes overflow a byte count");
        long bytes = (codes * bits + 7) / 8;
        require(stored.byteSize() == bytes, "stored tensor", "holds " + stored.byteSize() + " bytes; " + codes
                + " codes of " + bits + " bits need " + bytes);
    }

    /** Returns the number of stored values after checking that the row pointers and column indices are in range. */
    private long validateCsr(Tensor rowPointers, Tensor indices) {
        long rows = logicalShape[0];
        long columns = 1;
        for (int i = 1; i < logicalShape.length; i++) {
            columns = Math.multiplyHigh(columns, logicalShape[i]) == 0 ? columns * logicalShape[i] : Long.MAX_VALUE;
        }
        requireIndexType(rowPointers, "sparse row pointers");
        requireIndexType(indices, "sparse indices");
        require(rowPointers.rank() == 1 && rowPointers.dim(0) - 1 == rows, "sparse row pointers",
                "must have shape [rows + 1] for " + rows + " rows, was " + Arrays.toString(rowPointers.shape()));
        require(indices.rank() == 1, "sparse indices", "must be 1-D, was " + Arrays.toString(indices.shape()));
        long nonzeros = indices.elementCount();
        long first = index(rowPointers, 0);
        long last = index(rowPointers, rows);
        require(first == 0 && last == nonzeros, "sparse row pointers", "must run from 0 to the " + nonzeros
                + " stored values, run from " + first + " to " + last);
        for (long r = 0; r < rows; r++) {
            long start = index(rowPointers, r);
            long end = index(rowPointers, r + 1);
            if (start > end || end > nonzeros) {
                throw problem("sparse row pointers", "row " + r + " spans [" + start + ", " + end
                        + "), not a non-decreasing range within the " + nonzeros + " stored values");
            }
            long previous = -1;
            for (long k = start; k < end; k++) {
                long column = index(indices, k);
                if (column <= previous || column >= columns) {
                    throw problem("sparse indices", "entry " + k + " (row " + r + ") is column " + column
                            + "; columns must increase within a row and be < " + columns);
                }
                previous = column;
            }
        }
        return nonzeros;
    }

    private long validateNOfM(Tensor positions, long logicalElements) {
        int n = sparsity.n();
        int m = sparsity.m();
        long stored = logicalElements / m * n;
        require(positions.dtype() == DType.UINT8 && positions.rank() == 1 && positions.dim(0) == stored,
                "sparse indices", "N:M positions must be UINT8 of shape [" + stored + "], were " + positions);
        for (long g = 0; g < stored; g += n) {
            int previous = -1;
            for (long k = g; k < g + n; k++) {
                int p = Byte.toUnsignedInt(positions.data().get(ValueLayout.JAVA_BYTE, k));
                if (p <= previous || p >= m) {
                    throw problem("sparse indices", "entry " + k + " is position " + p
                            + "; positions must increase within a group and be < m=" + m);
                }
                previous = p;
            }
        }
        return stored;
    }

    private static void requireIndexType(Tensor t, String field) {
        require(t.dtype() == DType.INT32 || t.dtype() == DType.INT64, field, "must be INT32 or INT64, was " + t.dtype());
    }

    private static long index(Tensor t, long i) {
        return t.dtype() == DType.INT32 ? t.data().getAtIndex(Tensor.I32, i) : t.data().getAtIndex(Tensor.I64, i);
    }

    private static Tensor referenced(String field, String name, String self, Map<String, Tensor> tensors,
            Set<String> described) {
        Tensor t = tensors.get(name);
        require(t != null, field, "no tensor named '" + name + "'");
        require(!name.equals(self), field, "refers to the tensor it describes");
        require(!described.contains(name), field, "'" + name + "' has a descriptor itself; referenced tensors must be plain");
        return t;
    }

    private static void require(boolean condition, String field, String problem) {
        if (!condition) {
            throw problem(field, problem);
        }
    }

    private static IllegalArgumentException problem(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantizationDescriptor q && scheme == q.scheme && bits == q.bits && signed == q.signed
                && axis == q.axis && groupSize == q.groupSize && Objects.equals(scale, q.scale)
                && Objects.equals(zeroPoint, q.zeroPoint) && Objects.equals(codebook, q.codebook)
                && sparsity.equals(q.sparsity) && Arrays.equals(logicalShape, q.logicalShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, bits, signed, axis, groupSize, scale, zeroPoint, codebook, sparsity)
                * 31 + Arrays.hashCode(logicalShape);
    }

    @Override
    public String toString() {
        return scheme + (bits > 0 ? " " + bits + "-bit" + (signed ? " signed" : " unsigned") : "")
                + (axis == PER_TENSOR ? "" : " axis " + axis) + (groupSize > 0 ? " group " + groupSize : "")
                + (scale != null ? " scale=" + scale : "") + (zeroPoint != null ? " zeroPoint=" + zeroPoint : "")
                + (codebook != null ? " codebook=" + codebook : "")
                + (sparsity.layout() == Sparsity.Layout.DENSE ? "" : " " + sparsity) + " logical "
                + Arrays.toString(logicalShape);
    }
}
