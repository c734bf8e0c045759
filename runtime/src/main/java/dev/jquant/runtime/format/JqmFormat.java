package dev.jquant.runtime.format;

import dev.jquant.runtime.graph.Attribute;
import java.util.Optional;

/**
 * The numbers of the {@code .jqm} format (docs/format.md): header layout, section alignment, enum
 * codes and limits. Shared by the writer in the compressor and the reader here so that both agree
 * byte for byte.
 */
public final class JqmFormat {

    /** {@code 89 4A 51 4D 0D 0A 1A 0A} read as a little-endian long: "\x89JQM\r\n\x1a\n", as PNG does. */
    public static final long MAGIC = 0x0A1A0A0D4D514A89L;
    public static final int MAJOR_VERSION = 1;
    public static final int MINOR_VERSION = 0;

    public static final int HEADER_BYTES = 64;
    public static final int MAJOR_OFFSET = 8;
    public static final int MINOR_OFFSET = 10;
    public static final int FLAGS_OFFSET = 12;
    public static final int FILE_SIZE_OFFSET = 16;
    public static final int TABLE_OFFSET_OFFSET = 24;
    public static final int SECTION_COUNT_OFFSET = 32;
    public static final int ENTRY_BYTES_OFFSET = 36;
    public static final int RESERVED_OFFSET = 40;
    /** The header CRC covers the 60 header bytes before it and the whole section table. */
    public static final int HEADER_CRC_OFFSET = 60;

    /** Size of one section table entry in version 1.0: kind u32, crc32c u32, offset u64, length u64. */
    public static final int SECTION_ENTRY_BYTES = 24;
    public static final int ENTRY_CRC_OFFSET = 4;
    /** Newer minor versions may widen entries, up to this size. */
    public static final int MAX_SECTION_ENTRY_BYTES = 1024;
    public static final int MAX_SECTIONS = 1024;

    /** Every section starts at a multiple of this file offset. */
    public static final int SECTION_ALIGNMENT = 8;
    /** The data section, and every tensor in it, starts at a multiple of this file offset. */
    public static final int DATA_ALIGNMENT = 64;

    public static final int MAX_RANK = 64;
    /** Upper bound of every u32 element count, so counts always fit a Java array. */
    public static final int MAX_COUNT = 1 << 30;
    /** Upper bound of a string's UTF-8 byte length. */
    public static final int MAX_STRING_BYTES = 1 << 30;
    /** dtype code of a graph input or output whose element type the model does not declare. */
    public static final int DTYPE_UNDEFINED = 0;
    /** A tensor reference (u32) that refers to no tensor. */
    public static final int NO_TENSOR = 0xFFFF_FFFF;
    /** rank (i32) of a graph input or output whose shape the model does not declare. */
    public static final int RANK_UNKNOWN = -1;

    public static final int DIM_FIXED = 0;
    public static final int DIM_SYMBOLIC = 1;

    public static final int SIGNATURE_ED25519 = 1;
    public static final int ED25519_SIGNATURE_BYTES = 64;
    /** Bytes of the signature section before the signature itself: algorithm u32, length u32. */
    public static final int SIGNATURE_PREFIX_BYTES = 8;

    /** Fixed part of a quantization descriptor, before its logical dimensions. */
    public static final int QUANTIZATION_FIXED_BYTES = 56;

    private JqmFormat() {
    }

    /** ONNX {@code AttributeProto.AttributeType} code of an attribute kind. */
    public static int attributeCode(Attribute.Kind kind) {
        return switch (kind) {
            case FLOAT -> 1;
            case INT -> 2;
            case STRING -> 3;
            case TENSOR -> 4;
            case FLOATS -> 6;
            case INTS -> 7;
            case STRINGS -> 8;
        };
    }

    public static Optional<Attribute.Kind> attributeKind(int code) {
        for (Attribute.Kind k : Attribute.Kind.values()) {
            if (attributeCode(k) == code) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** Rounds {@code offset} up to a multiple of {@code alignment} (a power of two). */
    public static long align(long offset, int alignment) {
        return (offset + alignment - 1) & -alignment;
    }
}
