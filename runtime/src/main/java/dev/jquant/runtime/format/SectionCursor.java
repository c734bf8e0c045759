package dev.jquant.runtime.format;

import dev.jquant.runtime.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads little-endian fields from one section of a mapped file, checking that every field lies inside
 * the section before touching it. Failures name the field and its absolute file offset.
 */
final class SectionCursor {

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MemorySegment section;
    private final long sectionOffset;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long position;

    /**
     * @param section the section's bytes
     * @param sectionOffset where they start in the file, for error messages
     */
    SectionCursor(Path file, MemorySegment section, long sectionOffset) {
        this.file = file;
        this.section = section;
        this.sectionOffset = sectionOffset;
    }

    /** Absolute file offset of the next field. */
    long fileOffset() {
        return sectionOffset + position;
    }

    long remaining() {
        return section.byteSize() - position;
    }

    ModelFormatException error(String field, String problem) {
        return new ModelFormatException(file, fileOffset(), field, problem);
    }

    ModelFormatException errorAt(long fileOffset, String field, String problem) {
        return new ModelFormatException(file, fileOffset, field, problem);
    }

    private void need(long bytes, String field) throws ModelFormatException {
        if (bytes > remaining()) {
            throw error(field, "needs " + bytes + " bytes, only " + remaining() + " remain in the section"
                    + " (truncated or miscounted)");
        }
    }

    int i32(String field) throws ModelFormatException {
        need(4, field);
        int v = section.get(U32, position);
        position += 4;
        return v;
    }

    /** An unsigned 32-bit value. */
    long u32(String field) throws ModelFormatException {
        return Integer.toUnsignedLong(i32(field));
    }

    /** A u32 that must also fit a Java int (below 2^31). */
    int u31(String field) throws ModelFormatException {
        long at = fileOffset();
        long v = u32(field);
        if (v > Integer.MAX_VALUE) {
            throw errorAt(at, field, v + " exceeds 2^31 - 1");
        }
        return (int) v;
    }

    long i64(String field) throws ModelFormatException {
        need(8, field);
        long v = section.get(U64, position);
        position += 8;
        return v;
    }

    /** An unsigned 64-bit size or offset; values of 2^63 and more cannot describe any file. */
    long u64(String field) throws ModelFormatException {
        long at = fileOffset();
        long v = i64(field);
        if (v < 0) {
            throw errorAt(at, field, Long.toUnsignedString(v) + " exceeds any file size");
        }
        return v;
    }

    float f32(String field) throws ModelFormatException {
        return Float.intBitsToFloat(i32(field));
    }

    /**
     * A u32 element count, bounded by the bytes left: each element takes at least {@code minBytesEach}
     * bytes, so a count the section cannot hold is refused before anything is allocated or looped over.
     */
    int count(String field, int minBytesEach) throws ModelFormatException {
        long at = fileOffset();
        long n = u32(field);
        if (n > JqmFormat.MAX_COUNT) {
            throw errorAt(at, field, n + " entries exceed the format's limit of " + JqmFormat.MAX_COUNT);
        }
        if (n > remaining() / minBytesEach) {
            throw errorAt(at, field, n + " entries of at least " + minBytesEach + " bytes cannot fit in the "
                    + remaining() + " bytes left in the section");
        }
        return (int) n;
    }

    /** A u32 byte length followed by that many bytes of strict UTF-8. */
    String string(String field) throws ModelFormatException {
        long at = fileOffset();
        long length = u32(field);
        if (length > JqmFormat.MAX_STRING_BYTES) {
            throw errorAt(at, field, "string length " + length + " exceeds the format's limit of "
                    + JqmFormat.MAX_STRING_BYTES + " bytes");
        }
        if (length > remaining()) {
            throw errorAt(at, field, "string length " + length + " exceeds the " + remaining()
                    + " bytes left in the section");
        }
        MemorySegment bytes = section.asSlice(position, length);
        try {
            String s = utf8.decode(bytes.asByteBuffer()).toString();
            position += length;
            return s;
        } catch (CharacterCodingException e) {
            throw errorAt(at, field, "is not valid UTF-8 (" + e.getMessage() + ")");
        }
    }

    /** The next {@code length} bytes as a slice of the mapping, after checking they lie in the section. */
    MemorySegment slice(long length, String field) throws ModelFormatException {
        need(length, field);
        MemorySegment s = section.asSlice(position, length);
        position += length;
        return s;
    }

    /**
     * A known dtype code; {@code 0} (undefined) gives null where {@code undefinedAllowed}, else is refused
     * like any unknown code.
     */
    DType dtype(String field, boolean undefinedAllowed) throws ModelFormatException {
        long at = fileOffset();
        long code = u32(field);
        if (code == JqmFormat.DTYPE_UNDEFINED && undefinedAllowed) {
            return null;
        }
        return DType.fromCode((int) code).orElseThrow(() -> errorAt(at, field,
                "unknown dtype code " + code + "; valid codes: " + Arrays.stream(DType.values())
                        .map(t -> t.code() + " " + t).collect(Collectors.joining(", "))));
    }

    /** {@code rank} i64 dimensions, each >= 0, whose product fits a long. */
    long[] dims(int rank, String field) throws ModelFormatException {
        need(8L * rank, field);
        long[] dims = new long[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            long at = fileOffset();
            dims[i] = i64(field);
            if (dims[i] < 0) {
                throw errorAt(at, field, "dimension " + i + " is " + dims[i] + "; dimensions are >= 0");
            }
            if (dims[i] != 0 && elements > Long.MAX_VALUE / dims[i]) {
                throw errorAt(at, field, "shape " + Arrays.toString(dims) + " has more than 2^63 elements");
            }
            elements *= dims[i];
        }
        return dims;
    }

    /** A rank (u32) of at most {@link JqmFormat#MAX_RANK}. */
    int rank(String field) throws ModelFormatException {
        long at = fileOffset();
        long rank = u32(field);
        if (rank > JqmFormat.MAX_RANK) {
            throw errorAt(at, field, rank + " exceeds the maximum rank " + JqmFormat.MAX_RANK);
        }
        return (int) rank;
    }

    /** Bytes that a tensor of this dtype and shape occupies, or -1 when that exceeds 2^63. */
    static long byteSize(DType dtype, long[] dims) {
        long elements = 1;
        for (long d : dims) {
            elements *= d; // dims() already bounded the product
        }
        return elements > (Long.MAX_VALUE - 7) / 8 ? -1 : dtype.byteSize(elements);
    }

    /** A name for an error message, cut short so that a hostile name cannot flood the log. */
    static String quote(String name) {
        return "'" + (name.length() <= 64 ? name : name.substring(0, 64) + "...") + "'";
    }

    /** Fails unless the section has been read to its end (a file of the reader's minor version or older). */
    void requireEnd(String sectionName) throws ModelFormatException {
        if (remaining() != 0) {
            throw error(sectionName, remaining() + " unexpected bytes after the last field");
        }
    }
}
