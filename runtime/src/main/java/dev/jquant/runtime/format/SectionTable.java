package dev.jquant.runtime.format;

import static dev.jquant.runtime.format.JqmFormat.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The header and section table of a mapped file, validated: the version is readable, every section lies
 * inside the file without overlapping another, the required sections are present once, and (when asked)
 * every CRC32C matches.
 *
 * @param tableOffset file offset of the section table
 * @param entryBytes size of one table entry (24 in version 1.0; newer minors may widen it)
 * @param sections the entries in table order
 * @param known the entries of kinds this reader knows, by kind
 */
record SectionTable(int major, int minor, long tableOffset, int entryBytes, List<SectionInfo> sections,
        Map<SectionKind, SectionInfo> known) {

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final List<SectionKind> REQUIRED = List.of(SectionKind.METADATA, SectionKind.GRAPH,
            SectionKind.TENSOR_DIRECTORY, SectionKind.DATA);

    /** True when the file's minor version is newer than this reader's: unknown kinds, flags and trailing fields are then ignored. */
    boolean newerMinor() {
        return minor > MINOR_VERSION;
    }

    /** Bytes of the section table. */
    long tableBytes() {
        return (long) sections.size() * entryBytes;
    }

    static SectionTable read(Path file, MemorySegment mapped, boolean verifyChecksums) throws ModelFormatException {
        long fileSize = mapped.byteSize();
        if (fileSize < HEADER_BYTES) {
            throw new ModelFormatException(file, 0, "header", "the file is " + fileSize
                    + " bytes, shorter than the " + HEADER_BYTES + "-byte header of a .jqm file");
        }
        long magic = mapped.get(U64, 0);
        if (magic != MAGIC) {
            HexFormat hex = HexFormat.ofDelimiter(" ").withUpperCase();
            throw new ModelFormatException(file, 0, "header.magic", "expected "
                    + hex.formatHex(longBytes(MAGIC)) + ", found " + hex.formatHex(longBytes(magic))
                    + ": not a .jqm file");
        }
        int major = Short.toUnsignedInt(mapped.get(U16, MAJOR_OFFSET));
        int minor = Short.toUnsignedInt(mapped.get(U16, MINOR_OFFSET));
        if (major != MAJOR_VERSION) {
            throw new ModelFormatException(file, MAJOR_OFFSET, "header.majorVersion", "the file is format version "
                    + major + "." + minor + "; this reader reads major version " + MAJOR_VERSION + " only"
                    + (major > MAJOR_VERSION ? " (a newer jquant wrote it)" : ""));
        }
        long declaredSize = mapped.get(U64, FILE_SIZE_OFFSET);
        if (declaredSize != fileSize) {
            throw new ModelFormatException(file, FILE_SIZE_OFFSET, "header.fileSize", "the header says "
                    + Long.toUnsignedString(declaredSize) + " bytes, the file has " + fileSize
                    + (Long.compareUnsigned(declaredSize, fileSize) > 0 ? " (truncated)" : " (appended to or damaged)"));
        }
        boolean newer = minor > MINOR_VERSION;
        long tableOffset = mapped.get(U64, TABLE_OFFSET_OFFSET);
        if (tableOffset < HEADER_BYTES || tableOffset > fileSize || tableOffset % SECTION_ALIGNMENT != 0) {
            throw new ModelFormatException(file, TABLE_OFFSET_OFFSET, "header.sectionTableOffset",
                    Long.toUnsignedString(tableOffset) + " must be a multiple of " + SECTION_ALIGNMENT + " in ["
                            + HEADER_BYTES + ", " + fileSize + "] (after the header, inside the file)");
        }
        long count = Integer.toUnsignedLong(mapped.get(U32, SECTION_COUNT_OFFSET));
        if (count > MAX_SECTIONS) {
            throw new ModelFormatException(file, SECTION_COUNT_OFFSET, "header.sectionCount", count
                    + " exceeds the limit of " + MAX_SECTIONS + " sections");
        }
        long entryBytes = Integer.toUnsignedLong(mapped.get(U32, ENTRY_BYTES_OFFSET));
        boolean entryBytesOk = newer
                ? entryBytes >= SECTION_ENTRY_BYTES && entryBytes <= MAX_SECTION_ENTRY_BYTES && entryBytes % 8 == 0
                : entryBytes == SECTION_ENTRY_BYTES;
        if (!entryBytesOk) {
            throw new ModelFormatException(file, ENTRY_BYTES_OFFSET, "header.sectionEntryBytes", entryBytes
                    + (newer ? " must be a multiple of 8 in [" + SECTION_ENTRY_BYTES + ", " + MAX_SECTION_ENTRY_BYTES + "]"
                            : " must be " + SECTION_ENTRY_BYTES + " in a version " + major + "." + minor + " file"));
        }
        long tableBytes = count * entryBytes;
        if (tableBytes > fileSize - tableOffset) {
            throw new ModelFormatException(file, SECTION_COUNT_OFFSET, "header.sectionCount", count
                    + " entries of " + entryBytes + " bytes at offset " + tableOffset + " run past the end of the file ("
                    + fileSize + " bytes)");
        }
        if (verifyChecksums) {
            CRC32C crc = new CRC32C();
            crc.update(mapped.asSlice(0, HEADER_CRC_OFFSET).asByteBuffer());
            crc.update(mapped.asSlice(tableOffset, tableBytes).asByteBuffer());
            int stored = mapped.get(U32, HEADER_CRC_OFFSET);
            if ((int) crc.getValue() != stored) {
                throw new ModelFormatException(file, HEADER_CRC_OFFSET, "header.crc32c", String.format(
                        "CRC32C mismatch: the header records %08x, the header and section table give %08x"
                                + " (the header or section table is corrupt)", stored, (int) crc.getValue()));
            }
        }
        if (!newer) {
            if (mapped.get(U32, FLAGS_OFFSET) != 0) {
                throw new ModelFormatException(file, FLAGS_OFFSET, "header.flags", String.format(
                        "%08x has bits set, but version %d.%d defines no flags", mapped.get(U32, FLAGS_OFFSET), major, minor));
            }
            for (int i = RESERVED_OFFSET; i < HEADER_CRC_OFFSET; i++) {
                if (mapped.get(ValueLayout.JAVA_BYTE, i) != 0) {
                    throw new ModelFormatException(file, i, "header.reserved", "must be zero in a version "
                            + major + "." + minor + " file");
                }
            }
        }
        List<SectionInfo> sections = readEntries(file, mapped, tableOffset, (int) count, (int) entryBytes, newer,
                verifyChecksums);
        Map<SectionKind, SectionInfo> known = new EnumMap<>(SectionKind.class);
        for (int i = 0; i < sections.size(); i++) {
            SectionInfo s = sections.get(i);
            SectionKind kind = s.kind().orElse(null);
            if (kind != null && known.put(kind, s) != null) {
                throw new ModelFormatException(file, tableOffset + (long) i * entryBytes, entryField(i, s, "kind"),
                        "a second " + kind + " section; each kind appears at most once");
            }
        }
        for (SectionKind required : REQUIRED) {
            if (!known.containsKey(required)) {
                throw new ModelFormatException(file, tableOffset, "section table", "no " + required
                        + " section; a file needs " + REQUIRED);
            }
        }
        if (known.get(SectionKind.DATA).offsetBytes() % DATA_ALIGNMENT != 0) {
            int i = sections.indexOf(known.get(SectionKind.DATA));
            throw new ModelFormatException(file, tableOffset + (long) i * entryBytes + 8,
                    entryField(i, known.get(SectionKind.DATA), "offset"), known.get(SectionKind.DATA).offsetBytes()
                            + " is not a multiple of " + DATA_ALIGNMENT);
        }
        return new SectionTable(major, minor, tableOffset, (int) entryBytes, List.copyOf(sections), known);
    }

    private static List<SectionInfo> readEntries(Path file, MemorySegment mapped, long tableOffset, int count,
            int entryBytes, boolean newer, boolean verifyChecksums) throws ModelFormatException {
        long fileSize = mapped.byteSize();
        long tableEnd = tableOffset + (long) count * entryBytes;
        List<SectionInfo> sections = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long at = tableOffset + (long) i * entryBytes;
            int kind = mapped.get(U32, at);
            int crc = mapped.get(U32, at + ENTRY_CRC_OFFSET);
            long offset = mapped.get(U64, at + 8);
            long length = mapped.get(U64, at + 16);
            SectionInfo unchecked = new SectionInfo(kind, offset, length, crc, false);
            if (kind == 0 || (!newer && unchecked.kind().isEmpty())) {
                throw new ModelFormatException(file, at, entryField(i, unchecked, "kind"), "unknown section kind "
                        + Integer.toUnsignedString(kind) + "; version " + MAJOR_VERSION + "." + MINOR_VERSION
                        + " defines " + Arrays.toString(SectionKind.values()) + " (codes 1..5)");
            }
            if (offset < 0 || offset > fileSize || offset % SECTION_ALIGNMENT != 0) {
                throw new ModelFormatException(file, at + 8, entryField(i, unchecked, "offset"),
                        Long.toUnsignedString(offset) + " must be a multiple of " + SECTION_ALIGNMENT
                                + " inside the file (" + fileSize + " bytes)");
            }
            if (length < 0 || length > fileSize - offset) {
                throw new ModelFormatException(file, at + 16, entryField(i, unchecked, "length"),
                        Long.toUnsignedString(length) + " bytes from offset " + offset + " run past the end of the file ("
                                + fileSize + " bytes)");
            }
            if (length > 0 && (offset < HEADER_BYTES || (offset < tableEnd && offset + length > tableOffset))) {
                throw new ModelFormatException(file, at + 8, entryField(i, unchecked, "offset"), "the section ["
                        + offset + ", " + (offset + length) + ") overlaps "
                        + (offset < HEADER_BYTES ? "the header [0, " + HEADER_BYTES + ")"
                                : "the section table [" + tableOffset + ", " + tableEnd + ")"));
            }
            boolean verified = false;
            if (verifyChecksums) {
                int actual = crc32c(mapped.asSlice(offset, length));
                if (actual != crc) {
                    throw new ModelFormatException(file, offset, "section " + unchecked.kindName(), String.format(
                            "CRC32C mismatch: the section table records %08x, the %d bytes give %08x (the section is corrupt)",
                            crc, length, actual));
                }
                verified = true;
            }
            sections.add(new SectionInfo(kind, offset, length, crc, verified));
        }
        List<SectionInfo> byOffset = new ArrayList<>(sections);
        byOffset.removeIf(s -> s.lengthBytes() == 0);
        byOffset.sort(Comparator.comparingLong(SectionInfo::offsetBytes));
        for (int i = 1; i < byOffset.size(); i++) {
            SectionInfo prev = byOffset.get(i - 1);
            SectionInfo cur = byOffset.get(i);
            if (prev.offsetBytes() + prev.lengthBytes() > cur.offsetBytes()) {
                int index = sections.indexOf(cur);
                throw new ModelFormatException(file, tableOffset + (long) index * entryBytes + 8,
                        entryField(index, cur, "offset"), cur.kindName() + " [" + cur.offsetBytes() + ", "
                                + (cur.offsetBytes() + cur.lengthBytes()) + ") overlaps " + prev.kindName() + " ["
                                + prev.offsetBytes() + ", " + (prev.offsetBytes() + prev.lengthBytes()) + ")");
            }
        }
        return sections;
    }

    /** CRC32C (Castagnoli, as java.util.zip.CRC32C) of a segment of any size. */
    static int crc32c(MemorySegment bytes) {
        CRC32C crc = new CRC32C();
        long chunk = 1L << 30;
        for (long at = 0; at < bytes.byteSize(); at += chunk) {
            crc.update(bytes.asSlice(at, Math.min(chunk, bytes.byteSize() - at)).asByteBuffer());
        }
        return (int) crc.getValue();
    }

    private static String entryField(int index, SectionInfo entry, String field) {
        return "section table entry " + index + " (" + entry.kindName() + ")." + field;
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
