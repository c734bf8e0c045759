package dev.jquant.runtime.format;

import static dev.jquant.runtime.format.SectionCursor.quote;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the TENSOR_DIRECTORY section and points each tensor at its bytes in the mapped DATA section:
 * aligned, in bounds, sized exactly for its dtype and shape, overlapping no other tensor, and with a
 * quantization descriptor whose references and rules hold.
 */
final class TensorDirectoryReader {

    /** The tensors in directory order, and the descriptors of those that are not plain. */
    record Directory(Map<String, Tensor> tensors, Map<String, QuantizationDescriptor> quantization) {
    }

    /** name, dtype, rank, data offset and length, and the fixed part of a descriptor. */
    private static final int MIN_ENTRY = 4 + 4 + 4 + 16 + JqmFormat.QUANTIZATION_FIXED_BYTES;

    private record Entry(int index, long fileOffset, String name, DType dtype, long[] dims, long dataOffsetAt,
            long dataOffset, long dataLength, RawDescriptor descriptor) {

        String field() {
            return "TENSOR_DIRECTORY entry " + index + " " + quote(name);
        }
    }

    /** Descriptor fields as stored; tensor references are directory indices until every name is known. */
    private record RawDescriptor(long fileOffset, QuantizationDescriptor.Scheme scheme, int bits, boolean signed,
            int axis, int groupSize, long[] refs, long[] refOffsets, QuantizationDescriptor.Sparsity.Layout layout,
            int n, int m, long[] logicalShape) {

        boolean plain() {
            return scheme == QuantizationDescriptor.Scheme.NONE && layout == QuantizationDescriptor.Sparsity.Layout.DENSE;
        }
    }

    private static final String[] REF_FIELDS = {"scale", "zeroPoint", "codebook", "sparseIndices", "sparseRowPointers"};

    private TensorDirectoryReader() {
    }

    static Directory read(SectionCursor in, MemorySegment data, boolean newerMinor)
            throws ModelFormatException {
        int count = in.count("TENSOR_DIRECTORY count", MIN_ENTRY);
        List<Entry> entries = new ArrayList<>();
        Map<String, Integer> indexByName = new HashMap<>();
        for (int i = 0; i < count; i++) {
            Entry e = readEntry(in, i, count, data.byteSize());
            if (e.name.isEmpty()) {
                throw in.errorAt(e.fileOffset, e.field() + " name", "tensor names must not be empty");
            }
            if (indexByName.putIfAbsent(e.name, i) != null) {
                throw in.errorAt(e.fileOffset, e.field() + " name", "duplicate of entry " + indexByName.get(e.name));
            }
            entries.add(e);
        }
        if (!newerMinor) {
            in.requireEnd("TENSOR_DIRECTORY");
        }
        checkNoOverlap(in, entries);

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            tensors.put(e.name, Tensor.of(e.dtype, e.dims, data.asSlice(e.dataOffset, e.dataLength)));
        }
        Map<String, QuantizationDescriptor> quantization = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (!e.descriptor.plain()) {
                quantization.put(e.name, describe(in, e, entries));
            }
        }
        for (Entry e : entries) {
            QuantizationDescriptor q = quantization.get(e.name);
            if (q != null) {
                try {
                    q.validate(e.name, tensors, quantization.keySet());
                } catch (IllegalArgumentException problem) {
                    throw in.errorAt(e.descriptor.fileOffset, e.field() + " quantization", problem.getMessage());
                }
            }
        }
        return new Directory(tensors, quantization);
    }

    private static Entry readEntry(SectionCursor in, int index, int count, long dataBytes) throws ModelFormatException {
        long entryAt = in.fileOffset();
        String name = in.string("TENSOR_DIRECTORY entry " + index + " name");
        String field = "TENSOR_DIRECTORY entry " + index + " " + quote(name);
        DType dtype = in.dtype(field + " dtype", false);
        int rank = in.rank(field + " rank");
        long[] dims = in.dims(rank, field + " dims");
        long offsetAt = in.fileOffset();
        long dataOffset = in.u64(field + " dataOffset");
        long lengthAt = in.fileOffset();
        long dataLength = in.u64(field + " dataLength");
        long expected = SectionCursor.byteSize(dtype, dims);
        if (dataLength != expected) {
            throw in.errorAt(lengthAt, field + " dataLength", dataLength + " bytes, but " + dtype + " of shape "
                    + Arrays.toString(dims) + (expected < 0 ? " exceeds 2^63 bytes" : " needs " + expected));
        }
        if (dataOffset % JqmFormat.DATA_ALIGNMENT != 0) {
            throw in.errorAt(offsetAt, field + " dataOffset", dataOffset + " is not a multiple of "
                    + JqmFormat.DATA_ALIGNMENT);
        }
        if (dataOffset > dataBytes || dataLength > dataBytes - dataOffset) {
            throw in.errorAt(offsetAt, field + " dataOffset", "bytes [" + dataOffset + ", "
                    + (dataOffset + dataLength) + ") run past the end of the DATA section (" + dataBytes + " bytes)");
        }
        RawDescriptor descriptor = readDescriptor(in, field + " quantization", count);
        if (descriptor.plain()) {
            requirePlain(in, descriptor, field + " quantization", dims);
        }
        return new Entry(index, entryAt, name, dtype, dims, offsetAt, dataOffset, dataLength, descriptor);
    }

    private static RawDescriptor readDescriptor(SectionCursor in, String field, int count) throws ModelFormatException {
        long at = in.fileOffset();
        long schemeCode = in.u32(field + " scheme");
        QuantizationDescriptor.Scheme scheme = QuantizationDescriptor.Scheme.fromCode(schemeCode).orElseThrow(() ->
                in.errorAt(at, field + " scheme", "unknown scheme " + schemeCode + "; valid: "
                        + Arrays.stream(QuantizationDescriptor.Scheme.values()).map(s -> s.code() + " " + s).toList()));
        int bits = in.u31(field + " bits");
        long signedAt = in.fileOffset();
        long signed = in.u32(field + " signed");
        if (signed > 1) {
            throw in.errorAt(signedAt, field + " signed", signed + " must be 0 or 1");
        }
        int axis = in.i32(field + " axis");
        int groupSize = in.u31(field + " groupSize");
        long[] refs = new long[REF_FIELDS.length];
        long[] refOffsets = new long[REF_FIELDS.length];
        for (int r = 0; r < 3; r++) {
            refOffsets[r] = in.fileOffset();
            refs[r] = tensorRef(in, field + " " + REF_FIELDS[r], count);
        }
        long layoutAt = in.fileOffset();
        long layoutCode = in.u32(field + " sparsity");
        QuantizationDescriptor.Sparsity.Layout layout = QuantizationDescriptor.Sparsity.Layout.fromCode(layoutCode)
                .orElseThrow(() -> in.errorAt(layoutAt, field + " sparsity", "unknown layout " + layoutCode + "; valid: "
                        + Arrays.stream(QuantizationDescriptor.Sparsity.Layout.values()).map(l -> l.code() + " " + l).toList()));
        int n = in.u31(field + " sparsityN");
        int m = in.u31(field + " sparsityM");
        for (int r = 3; r < 5; r++) {
            refOffsets[r] = in.fileOffset();
            refs[r] = tensorRef(in, field + " " + REF_FIELDS[r], count);
        }
        int logicalRank = in.rank(field + " logicalRank");
        long[] logicalShape = in.dims(logicalRank, field + " logicalDims");
        return new RawDescriptor(at, scheme, bits, signed == 1, axis, groupSize, refs, refOffsets, layout, n, m,
                logicalShape);
    }

    /** A directory index, or -1 for {@link JqmFormat#NO_TENSOR}. */
    private static long tensorRef(SectionCursor in, String field, int count) throws ModelFormatException {
        long at = in.fileOffset();
        long ref = in.u32(field);
        if (ref == Integer.toUnsignedLong(JqmFormat.NO_TENSOR)) {
            return -1;
        }
        if (ref >= count) {
            throw in.errorAt(at, field, "tensor index " + ref + " is not below the " + count
                    + " directory entries (and is not FFFFFFFF, no tensor)");
        }
        return ref;
    }

    /** A plain tensor's descriptor has every other field at its "none" value and repeats the stored shape. */
    private static void requirePlain(SectionCursor in, RawDescriptor d, String field, long[] dims)
            throws ModelFormatException {
        String problem = d.bits != 0 ? "bits must be 0"
                : d.signed ? "signed must be 0"
                : d.axis != QuantizationDescriptor.PER_TENSOR ? "axis must be -1"
                : d.groupSize != 0 ? "groupSize must be 0"
                : d.n != 0 || d.m != 0 ? "sparsityN and sparsityM must be 0"
                : Arrays.stream(d.refs).anyMatch(r -> r != -1) ? "every tensor reference must be FFFFFFFF"
                : !Arrays.equals(d.logicalShape, dims) ? "logical shape " + Arrays.toString(d.logicalShape)
                        + " must equal the stored shape " + Arrays.toString(dims)
                : null;
        if (problem != null) {
            throw in.errorAt(d.fileOffset, field, "scheme NONE with DENSE layout (a plain tensor): " + problem);
        }
    }

    private static QuantizationDescriptor describe(SectionCursor in, Entry e, List<Entry> entries)
            throws ModelFormatException {
        RawDescriptor d = e.descriptor;
        String[] names = new String[REF_FIELDS.length];
        for (int r = 0; r < names.length; r++) {
            names[r] = d.refs[r] < 0 ? null : entries.get((int) d.refs[r]).name;
        }
        try {
            var sparsity = new QuantizationDescriptor.Sparsity(d.layout, d.n, d.m, names[3], names[4]);
            return new QuantizationDescriptor(d.scheme, d.bits, d.signed, d.axis, d.groupSize, names[0], names[1],
                    names[2], sparsity, d.logicalShape);
        } catch (IllegalArgumentException problem) {
            throw in.errorAt(d.fileOffset, e.field() + " quantization", problem.getMessage());
        }
    }

    private static void checkNoOverlap(SectionCursor in, List<Entry> entries)
            throws ModelFormatException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.removeIf(e -> e.dataLength == 0);
        byOffset.sort(Comparator.comparingLong(Entry::dataOffset));
        for (int i = 1; i < byOffset.size(); i++) {
            Entry prev = byOffset.get(i - 1);
            Entry cur = byOffset.get(i);
            if (prev.dataOffset + prev.dataLength > cur.dataOffset) {
                throw in.errorAt(cur.dataOffsetAt, cur.field() + " dataOffset", "bytes ["
                        + cur.dataOffset + ", " + (cur.dataOffset + cur.dataLength) + ") overlap " + prev.field()
                        + " [" + prev.dataOffset + ", " + (prev.dataOffset + prev.dataLength) + ")");
            }
        }
    }
}
