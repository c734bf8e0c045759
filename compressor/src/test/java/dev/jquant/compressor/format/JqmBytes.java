package dev.jquant.compressor.format;

import static dev.jquant.runtime.format.JqmFormat.*;

import dev.jquant.runtime.format.SectionKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A {@code .jqm} file as a byte array that tests mutate: fields are located through the section table and
 * by searching for the length-prefixed names the test graphs use, and {@link #fixChecksums()} recomputes
 * every CRC so that a mutation reaches the validation behind the checksums.
 */
final class JqmBytes {

    final byte[] bytes;
    private final ByteBuffer le;

    JqmBytes(byte[] bytes) {
        this.bytes = bytes;
        this.le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static JqmBytes of(Path file) throws IOException {
        return new JqmBytes(Files.readAllBytes(file));
    }

    JqmBytes copy() {
        return new JqmBytes(bytes.clone());
    }

    int u32(long at) {
        return le.getInt((int) at);
    }

    long i64(long at) {
        return le.getLong((int) at);
    }

    JqmBytes setU32(long at, int v) {
        le.putInt((int) at, v);
        return this;
    }

    JqmBytes setI64(long at, long v) {
        le.putLong((int) at, v);
        return this;
    }

    JqmBytes flipBit(long at, int bit) {
        bytes[(int) at] ^= (byte) (1 << bit);
        return this;
    }

    int sectionCount() {
        return u32(SECTION_COUNT_OFFSET);
    }

    long tableEnd() {
        return tableOffset() + (long) sectionCount() * SECTION_ENTRY_BYTES;
    }

    /** File offset of the table entry of {@code kind}. */
    long entry(SectionKind kind) {
        for (int i = 0; i < sectionCount(); i++) {
            long at = tableOffset() + (long) i * SECTION_ENTRY_BYTES;
            if (u32(at) == kind.code()) {
                return at;
            }
        }
        throw new AssertionError("no " + kind + " section");
    }

    long sectionOffset(SectionKind kind) {
        return i64(entry(kind) + 8);
    }

    long sectionLength(SectionKind kind) {
        return i64(entry(kind) + 16);
    }

    /** The section that contains file offset {@code at}, or null for the header, table and padding. */
    SectionKind sectionAt(long at) {
        for (SectionKind k : SectionKind.values()) {
            for (int i = 0; i < sectionCount(); i++) {
                long e = tableOffset() + (long) i * SECTION_ENTRY_BYTES;
                if (u32(e) == k.code() && at >= i64(e + 8) && at < i64(e + 8) + i64(e + 16)) {
                    return k;
                }
            }
        }
        return null;
    }

    /** File offset just after the length-prefixed string {@code s} in section {@code kind}. */
    long after(SectionKind kind, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] pattern = new byte[4 + utf8.length];
        ByteBuffer.wrap(pattern).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).put(utf8);
        long from = sectionOffset(kind);
        long to = from + sectionLength(kind) - pattern.length;
        for (long at = from; at <= to; at++) {
            boolean match = true;
            for (int j = 0; j < pattern.length && match; j++) {
                match = bytes[(int) at + j] == pattern[j];
            }
            if (match) {
                return at + pattern.length;
            }
        }
        throw new AssertionError("no string '" + s + "' in " + kind);
    }

    /** Recomputes each section's CRC32C into the table, then the header CRC over header and table. */
    JqmBytes fixChecksums() {
        for (int i = 0; i < sectionCount(); i++) {
            long e = tableOffset() + (long) i * SECTION_ENTRY_BYTES;
            CRC32C crc = new CRC32C();
            crc.update(bytes, (int) i64(e + 8), (int) i64(e + 16));
            setU32(e + ENTRY_CRC_OFFSET, (int) crc.getValue());
        }
        return fixHeaderChecksum();
    }

    /** Recomputes only the header CRC, for mutations that leave sections where no CRC can be computed. */
    JqmBytes fixHeaderChecksum() {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, HEADER_CRC_OFFSET);
        crc.update(bytes, (int) tableOffset(), sectionCount() * SECTION_ENTRY_BYTES);
        return setU32(HEADER_CRC_OFFSET, (int) crc.getValue());
    }

    long tableOffset() {
        return i64(TABLE_OFFSET_OFFSET);
    }

    Path write(Path file) throws IOException {
        Files.write(file, bytes);
        return file;
    }

    Path write(Path file, int length) throws IOException {
        Files.write(file, Arrays.copyOf(bytes, length));
        return file;
    }
}
