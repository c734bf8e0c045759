package dev.jquant.compressor.io;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0) as {@link Tensor}s:
 * little-endian, C order, element types {@code <f4 <f8 <f2 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1}.
 * Files are written the way {@code numpy.save} writes them, byte for byte.
 *
 * <p>Reading treats the file as untrusted: the header is parsed strictly, and the data length implied
 * by the shape must match the file exactly before any tensor memory is allocated. Every problem is an
 * {@link IOException} whose message starts with the file name.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy.lib.format.ARRAY_ALIGN: the header is padded so the data starts on this boundary. */
    private static final int ALIGN = 64;
    /** Real headers are well under a kilobyte; anything larger is refused before it is read. */
    private static final int MAX_HEADER_BYTES = 1 << 20;
    /** FileChannel reads and writes go through ByteBuffers, which hold at most 2 GiB. */
    private static final int CHUNK_BYTES = 1 << 30;

    private static final Map<String, DType> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("<f4", DType.FLOAT32);
        TYPES.put("<f8", DType.FLOAT64);
        TYPES.put("<f2", DType.FLOAT16);
        TYPES.put("<i8", DType.INT64);
        TYPES.put("<i4", DType.INT32);
        TYPES.put("<i2", DType.INT16);
        TYPES.put("|i1", DType.INT8);
        TYPES.put("<u8", DType.UINT64);
        TYPES.put("<u4", DType.UINT32);
        TYPES.put("<u2", DType.UINT16);
        TYPES.put("|u1", DType.UINT8);
        TYPES.put("|b1", DType.BOOL);
    }

    private Npy() {
    }

    /** Reads a whole {@code .npy} file into a heap tensor. */
    public static Tensor read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileBytes = channel.size();
            ByteBuffer start = ByteBuffer.allocate((int) Math.min(fileBytes, 12)).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, channel, start, 0);
            if (start.limit() < MAGIC.length + 2 || !Arrays.equals(start.array(), 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw problem(file, "not a .npy file: it does not start with the magic bytes \\x93NUMPY");
            }
            int major = start.get(6);
            int minor = start.get(7);
            if ((major < 1 || major > 3) || minor != 0) {
                throw problem(file, "unsupported .npy format version " + major + "." + minor
                        + "; supported: 1.0, 2.0, 3.0");
            }
            int prefixBytes = major == 1 ? 10 : 12;
            if (fileBytes < prefixBytes) {
                throw problem(file, "truncated: " + fileBytes + " bytes, too short for the header length field");
            }
            long headerBytes = major == 1 ? Short.toUnsignedInt(start.getShort(8)) : Integer.toUnsignedLong(start.getInt(8));
            if (headerBytes > MAX_HEADER_BYTES) {
                throw problem(file, "header length " + headerBytes + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            if (prefixBytes + headerBytes > fileBytes) {
                throw problem(file, "truncated: the header is " + headerBytes + " bytes, but only "
                        + (fileBytes - prefixBytes) + " follow");
            }
            ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerBytes);
            readFully(file, channel, headerBuffer, prefixBytes);
            NpyHeader header;
            try {
                header = NpyHeader.parse(decode(headerBuffer.flip(), major));
            } catch (IllegalArgumentException e) {
                throw problem(file, e.getMessage());
            } catch (CharacterCodingException e) {
                throw problem(file, "the version 3.0 header is not valid UTF-8");
            }
            DType dtype = dtypeOf(file, header.descr());
            long[] shape = header.shape();
            if (header.fortranOrder() && Arrays.stream(shape).filter(d -> d > 1).count() > 1) {
                throw problem(file, "Fortran-order (column-major) arrays are not supported; save a C-order copy "
                        + "(numpy.ascontiguousarray)");
            }
            long dataBytes;
            try {
                dataBytes = Math.multiplyExact(Tensor.elementCount(shape), (long) dtype.byteSize());
            } catch (ArithmeticException e) {
                throw problem(file, "shape " + Arrays.toString(shape) + " has too many elements");
            }
            long dataStart = prefixBytes + headerBytes;
            long available = fileBytes - dataStart;
            if (available < dataBytes) {
                throw problem(file, "truncated: shape " + Arrays.toString(shape) + " of '" + header.descr() + "' needs "
                        + dataBytes + " data bytes, the file holds " + available);
            }
            if (available > dataBytes) {
                throw problem(file, (available - dataBytes) + " unexpected bytes after the "
                        + dataBytes + " data bytes of shape " + Arrays.toString(shape));
            }
            Tensor tensor = Tensor.allocate(dtype, shape);
            MemorySegment data = tensor.data();
            for (long offset = 0; offset < dataBytes; offset += CHUNK_BYTES) {
                long n = Math.min(CHUNK_BYTES, dataBytes - offset);
                readFully(file, channel, data.asSlice(offset, n).asByteBuffer(), dataStart + offset);
            }
            return tensor;
        }
    }

    /**
     * Writes {@code tensor} as {@code numpy.save} would (version 1.0, or 2.0 when the header needs it).
     *
     * @throws IllegalArgumentException when the tensor's type has no {@code .npy} equivalent
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        String dict = new NpyHeader(descrOf(tensor.dtype()), false, tensor.shape()).format();
        int lengthFieldBytes = 2;
        int headerBytes = paddedHeaderBytes(dict.length(), lengthFieldBytes);
        if (headerBytes > 0xFFFF) {
            lengthFieldBytes = 4;
            headerBytes = paddedHeaderBytes(dict.length(), lengthFieldBytes);
        }
        ByteBuffer prefix = ByteBuffer.allocate(MAGIC.length + 2 + lengthFieldBytes + headerBytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        prefix.put(MAGIC).put((byte) (lengthFieldBytes == 2 ? 1 : 2)).put((byte) 0);
        if (lengthFieldBytes == 2) {
            prefix.putShort((short) headerBytes);
        } else {
            prefix.putInt(headerBytes);
        }
        prefix.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (prefix.position() < prefix.limit() - 1) {
            prefix.put((byte) ' ');
        }
        prefix.put((byte) '\n').flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(channel, prefix);
            MemorySegment data = tensor.data();
            for (long offset = 0; offset < data.byteSize(); offset += CHUNK_BYTES) {
                writeFully(channel, data.asSlice(offset, Math.min(CHUNK_BYTES, data.byteSize() - offset)).asByteBuffer());
            }
        }
    }

    /** The {@code .npy} type string for {@code dtype}, e.g. {@code <f4} for FLOAT32. */
    public static String descrOf(DType dtype) {
        for (Map.Entry<String, DType> e : TYPES.entrySet()) {
            if (e.getValue() == dtype) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException(dtype + " tensors cannot be stored in .npy; supported: " + TYPES.values());
    }

    /** Header length after NumPy's padding: spaces and a newline so the data starts 64-byte aligned. */
    private static int paddedHeaderBytes(int dictChars, int lengthFieldBytes) {
        int unpadded = MAGIC.length + 2 + lengthFieldBytes + dictChars + 1;
        // numpy pads a full ALIGN bytes when the header is already aligned; do the same, byte for byte.
        return dictChars + 1 + ALIGN - unpadded % ALIGN;
    }

    private static DType dtypeOf(Path file, String descr) throws IOException {
        String key = descr;
        if (descr.length() == 3 && descr.charAt(2) == '1' && "<>=|".indexOf(descr.charAt(0)) >= 0) {
            key = "|" + descr.substring(1); // byte order is meaningless for one-byte types
        } else if (descr.startsWith(">")) {
            throw problem(file, "big-endian data ('" + descr + "') is not supported; convert it with "
                    + "arr.astype('<" + descr.substring(1) + "')");
        }
        DType dtype = TYPES.get(key);
        if (dtype == null) {
            throw problem(file, "unsupported dtype '" + descr + "'; supported: " + String.join(" ", TYPES.keySet()));
        }
        return dtype;
    }

    /** Versions 1 and 2 store the header in Latin-1, version 3 in UTF-8. */
    private static String decode(ByteBuffer bytes, int major) throws CharacterCodingException {
        if (major < 3) {
            return StandardCharsets.ISO_8859_1.decode(bytes).toString();
        }
        return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position);
            if (n < 0) {
                throw problem(file, "unexpected end of file at byte " + position + " (was it truncated while being read?)");
            }
            position += n;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer from) throws IOException {
        while (from.hasRemaining()) {
            channel.write(from);
        }
    }

    private static IOException problem(Path file, String message) {
        return new IOException(file + ": " + message);
    }
}
