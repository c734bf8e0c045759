package dev.jquant.runtime.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * The message a {@code .jqm} signature signs, shared by the writer and the reader: the first 60 header
 * bytes, the section table with the SIGNATURE entry's CRC32C field zeroed (the signature cannot cover
 * its own checksum), then the SHA-256 of every other section in table order. The digests are there
 * because CRC32C only detects accidents: anyone can change a section and keep its CRC, but not its
 * SHA-256.
 */
public final class JqmSignature {

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private JqmSignature() {
    }

    /**
     * @param header at least the first 60 header bytes
     * @param table the whole section table
     * @param entryBytes size of one table entry
     * @param sectionDigests SHA-256 of each non-SIGNATURE section, in table order
     */
    public static byte[] message(MemorySegment header, MemorySegment table, int entryBytes, List<byte[]> sectionDigests) {
        int tableBytes = Math.toIntExact(table.byteSize());
        byte[] message = new byte[JqmFormat.HEADER_CRC_OFFSET + tableBytes + 32 * sectionDigests.size()];
        MemorySegment m = MemorySegment.ofArray(message);
        MemorySegment.copy(header, 0, m, 0, JqmFormat.HEADER_CRC_OFFSET);
        MemorySegment.copy(table, 0, m, JqmFormat.HEADER_CRC_OFFSET, tableBytes);
        for (long entry = 0; entry + entryBytes <= tableBytes; entry += entryBytes) {
            long at = JqmFormat.HEADER_CRC_OFFSET + entry;
            if (m.get(U32, at) == SectionKind.SIGNATURE.code()) {
                m.set(U32, at + JqmFormat.ENTRY_CRC_OFFSET, 0);
            }
        }
        int at = JqmFormat.HEADER_CRC_OFFSET + tableBytes;
        for (byte[] digest : sectionDigests) {
            System.arraycopy(digest, 0, message, at, 32);
            at += 32;
        }
        return message;
    }

    /** SHA-256 of a segment of any size. */
    public static byte[] sha256(MemorySegment bytes) {
        MessageDigest digest = newSha256();
        long chunk = 1L << 30;
        for (long at = 0; at < bytes.byteSize(); at += chunk) {
            digest.update(bytes.asSlice(at, Math.min(chunk, bytes.byteSize() - at)).asByteBuffer());
        }
        return digest.digest();
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides SHA-256", e);
        }
    }
}
