package dev.jquant.compressor.format;

import dev.jquant.runtime.format.JqmSignature;
import dev.jquant.runtime.format.SectionKind;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.zip.CRC32C;

/**
 * Writes sections one after another to a file, computing each one's CRC32C (and SHA-256 when the file is
 * signed) from the bytes as they go out, so that tensor data is streamed once and never copied to the heap.
 */
final class SectionOutput {

    /** A section as written: its table entry and the digest a signature needs. */
    record Written(SectionKind kind, long offset, long length, int crc32c, byte[] sha256) {
    }

    private static final int CHUNK = 1 << 30;
    private static final int STAGING_BYTES = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(4096).asReadOnlyBuffer();

    private final FileChannel channel;
    private final boolean digest;
    private long position;
    private long sectionStart = -1;
    private CRC32C crc;
    private MessageDigest sha256;

    SectionOutput(FileChannel channel, boolean digest) {
        this.channel = channel;
        this.digest = digest;
    }

    long position() {
        return position;
    }

    /** Writes zeros up to {@code target}; inside a section they are part of its checksums. */
    void padTo(long target) throws IOException {
        while (position < target) {
            ByteBuffer zeros = ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), target - position));
            write(zeros);
        }
    }

    void begin() {
        sectionStart = position;
        crc = new CRC32C();
        sha256 = digest ? JqmSignature.newSha256() : null;
    }

    void write(MemorySegment bytes) throws IOException {
        boolean viewable = bytes.heapBase().map(base -> base instanceof byte[]).orElse(true);
        if (viewable) {
            for (long at = 0; at < bytes.byteSize(); at += CHUNK) {
                write(bytes.asSlice(at, Math.min(CHUNK, bytes.byteSize() - at)).asByteBuffer());
            }
            return;
        }
        // A heap segment over float[], long[]... has no ByteBuffer view: stage it through a byte array.
        byte[] staging = new byte[(int) Math.min(STAGING_BYTES, bytes.byteSize())];
        for (long at = 0; at < bytes.byteSize(); at += staging.length) {
            int n = (int) Math.min(staging.length, bytes.byteSize() - at);
            MemorySegment.copy(bytes, ValueLayout.JAVA_BYTE, at, staging, 0, n);
            write(ByteBuffer.wrap(staging, 0, n));
        }
    }

    Written end(SectionKind kind) {
        Written w = new Written(kind, sectionStart, position - sectionStart, (int) crc.getValue(),
                sha256 == null ? null : sha256.digest());
        sectionStart = -1;
        crc = null;
        sha256 = null;
        return w;
    }

    /** One whole section from an encoded buffer, starting at the current position. */
    Written section(SectionKind kind, SectionBuffer buffer) throws IOException {
        begin();
        write(buffer.segment());
        return end(kind);
    }

    private void write(ByteBuffer buffer) throws IOException {
        if (crc != null) {
            crc.update(buffer.duplicate());
            if (sha256 != null) {
                sha256.update(buffer.duplicate());
            }
        }
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }
}
