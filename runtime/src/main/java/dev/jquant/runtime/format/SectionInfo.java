package dev.jquant.runtime.format;

import java.util.Optional;

/**
 * One section table entry of an opened file.
 *
 * @param kindCode the kind as stored; newer minor versions may use codes this reader does not know
 * @param offsetBytes where the section starts in the file
 * @param lengthBytes its length
 * @param crc32c the CRC32C the table records for it
 * @param verified whether the reader recomputed the CRC32C and found it equal
 */
public record SectionInfo(int kindCode, long offsetBytes, long lengthBytes, int crc32c, boolean verified) {

    /** The kind, or empty for a kind added by a newer minor version. */
    public Optional<SectionKind> kind() {
        return SectionKind.fromCode(Integer.toUnsignedLong(kindCode));
    }

    /** e.g. {@code GRAPH} or {@code unknown kind 9}. */
    public String kindName() {
        return kind().map(Enum::name).orElse("unknown kind " + Integer.toUnsignedString(kindCode));
    }

    @Override
    public String toString() {
        return String.format("%s @%d +%d crc32c=%08x%s", kindName(), offsetBytes, lengthBytes, crc32c,
                verified ? " verified" : "");
    }
}
