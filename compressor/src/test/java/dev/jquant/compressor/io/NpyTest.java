package dev.jquant.compressor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NpyTest {

    @TempDir
    Path dir;

    /**
     * A .npy file built from the format specification (numpy/lib/format.py): magic, version, header length
     * (2 bytes in 1.0, 4 in 2.0/3.0), the dictionary padded with spaces and a newline to a multiple of 64.
     */
    static byte[] npyFile(int major, String dict, byte[] data) {
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] dictBytes = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int unpadded = 6 + 2 + lengthBytes + dictBytes.length + 1;
        int headerBytes = dictBytes.length + 1 + 64 - unpadded % 64;
        ByteBuffer b = ByteBuffer.allocate(6 + 2 + lengthBytes + headerBytes + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) headerBytes);
        } else {
            b.putInt(headerBytes);
        }
        b.put(dictBytes);
        for (int i = dictBytes.length; i < headerBytes - 1; i++) {
            b.put((byte) ' ');
        }
        return b.put((byte) '\n').put(data).array();
    }

    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    private Path file(byte[] bytes) throws IOException {
        return Files.write(dir.resolve("a.npy"), bytes);
    }

    private String readError(byte[] bytes) throws IOException {
        Path f = file(bytes);
        IOException e = assertThrows(IOException.class, () -> Npy.read(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        return e.getMessage();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "FLOAT16", "INT64", "INT32", "INT16", "INT8",
            "UINT64", "UINT32", "UINT16", "UINT8", "BOOL"})
    void roundTripsEverySupportedType(DType dtype) throws IOException {
        Tensor t = Tensor.allocate(dtype, 3, 5);
        for (long i = 0; i < t.byteSize(); i++) {
            t.data().set(ValueLayout.JAVA_BYTE, i, (byte) (dtype == DType.BOOL ? i % 2 : i * 37 + 11));
        }
        Path f = dir.resolve(dtype + ".npy");
        Npy.write(f, t);
        Tensor back = Npy.read(f);
        assertEquals(dtype, back.dtype());
        assertArrayEquals(new long[] {3, 5}, back.shape());
        assertArrayEquals(t.data().toArray(ValueLayout.JAVA_BYTE), back.data().toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void writesExactlyWhatNumpySaveWrites() throws IOException {
        float[] values = {0, 1, 2, 3, 4, 5};
        Path f = dir.resolve("m.npy");
        Npy.write(f, Tensor.ofFloats(values, 2, 3));
        byte[] expected = npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats(values));
        assertArrayEquals(expected, Files.readAllBytes(f));
        // numpy 2.4 writes a 118-byte header ('v' little-endian) for this array: data at byte 128.
        assertEquals(118, expected[8]);
        assertEquals(128 + 24, expected.length);
    }

    @Test
    void writesScalarsAndVectorsWithPythonTupleSyntax() throws IOException {
        Path scalar = dir.resolve("s.npy");
        Npy.write(scalar, Tensor.scalarLong(7));
        assertArrayEquals(npyFile(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
                new byte[] {7, 0, 0, 0, 0, 0, 0, 0}), Files.readAllBytes(scalar));
        Path vector = dir.resolve("v.npy");
        Npy.write(vector, Tensor.ofInts(new int[] {1, 2, 3}, 3));
        assertTrue(new String(Files.readAllBytes(vector), StandardCharsets.ISO_8859_1).contains("'shape': (3,), }"));
        assertEquals(0, Npy.read(scalar).rank());
        assertEquals(7, Npy.read(scalar).getLong(0));
        assertArrayEquals(new int[] {1, 2, 3}, Npy.read(vector).toIntArray());
    }

    @Test
    void readsEmptyArrays() throws IOException {
        Tensor t = Npy.read(file(npyFile(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (0, 4), }", new byte[0])));
        assertEquals(DType.FLOAT16, t.dtype());
        assertArrayEquals(new long[] {0, 4}, t.shape());
    }

    @Test
    void readsVersions2And3() throws IOException {
        byte[] data = floats(1.5f, -2f);
        for (int major : new int[] {2, 3}) {
            Tensor t = Npy.read(file(npyFile(major, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data)));
            assertArrayEquals(new float[] {1.5f, -2f}, t.toFloatArray(), "version " + major);
        }
    }

    @Test
    void acceptsKeyOrderDoubleQuotesAndPython2Longs() throws IOException {
        Tensor t = Npy.read(file(npyFile(1, "{\"shape\": (1L, 2L), \"fortran_order\": False, \"descr\": \"<f4\"}",
                floats(3, 4))));
        assertArrayEquals(new long[] {1, 2}, t.shape());
        assertArrayEquals(new float[] {3, 4}, t.toFloatArray());
    }

    @Test
    void acceptsAnyByteOrderMarkForOneByteTypes() throws IOException {
        Tensor t = Npy.read(file(npyFile(1, "{'descr': '<u1', 'fortran_order': False, 'shape': (2,), }", new byte[] {1, (byte) 200})));
        assertEquals(DType.UINT8, t.dtype());
        assertEquals(200, Byte.toUnsignedInt(t.data().get(ValueLayout.JAVA_BYTE, 1)));
    }

    @Test
    void fortranOrderIsAcceptedOnlyWhereItMeansTheSameBytes() throws IOException {
        Tensor v = Npy.read(file(npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", floats(1, 2))));
        assertArrayEquals(new float[] {1, 2}, v.toFloatArray());
        String m = readError(npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", floats(1, 2, 3, 4)));
        assertTrue(m.contains("Fortran-order (column-major) arrays are not supported"), m);
    }

    @Test
    void rejectsBigEndianData() throws IOException {
        String m = readError(npyFile(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", floats(1)));
        assertTrue(m.endsWith("big-endian data ('>f4') is not supported; convert it with arr.astype('<f4')"), m);
    }

    @Test
    void rejectsUnsupportedTypesListingTheSupportedOnes() throws IOException {
        String m = readError(npyFile(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", new byte[8]));
        assertTrue(m.endsWith("unsupported dtype '<c8'; supported: <f4 <f8 <f2 <i8 <i4 <i2 |i1 <u8 <u4 <u2 |u1 |b1"), m);
        m = readError(npyFile(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]));
        assertTrue(m.contains("structured dtypes"), m);
    }

    @Test
    void rejectsFilesThatAreNotNpy() throws IOException {
        assertTrue(readError(new byte[0]).endsWith("not a .npy file: it does not start with the magic bytes \\x93NUMPY"));
        assertTrue(readError("PK\3\4 a zip file".getBytes(StandardCharsets.ISO_8859_1)).contains("not a .npy file"));
        byte[] v4 = npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats(1));
        v4[6] = 4;
        assertTrue(readError(v4).endsWith("unsupported .npy format version 4.0; supported: 1.0, 2.0, 3.0"));
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] whole = npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", floats(0, 1, 2, 3, 4, 5));
        String m = readError(Arrays.copyOf(whole, whole.length - 4));
        assertTrue(m.endsWith("truncated: shape [2, 3] of '<f4' needs 24 data bytes, the file holds 20"), m);
        m = readError(Arrays.copyOf(whole, 60));
        assertTrue(m.endsWith("truncated: the header is 118 bytes, but only 50 follow"), m);
        m = readError(Arrays.copyOf(whole, 9));
        assertTrue(m.endsWith("truncated: 9 bytes, too short for the header length field"), m);
    }

    @Test
    void rejectsTrailingBytes() throws IOException {
        byte[] whole = npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats(1));
        String m = readError(Arrays.copyOf(whole, whole.length + 3));
        assertTrue(m.endsWith("3 unexpected bytes after the 4 data bytes of shape [1]"), m);
    }

    @Test
    void rejectsMalformedHeaders() throws IOException {
        String m = readError(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", new byte[24]));
        assertTrue(m.contains("malformed header at character"), m);
        m = readError(npyFile(1, "{'descr': '<f4', 'fortran_order': False}", new byte[4]));
        assertTrue(m.endsWith("header lacks 'shape'; it must hold 'descr', 'fortran_order' and 'shape'"), m);
        m = readError(npyFile(1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", new byte[4]));
        assertTrue(m.contains("expected True or False"), m);
        m = readError(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}", new byte[4]));
        assertTrue(m.contains("expected a non-negative integer dimension"), m);
        m = readError(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", new byte[4]));
        assertTrue(m.contains("unexpected key 'x'"), m);
        m = readError(npyFile(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} __import__('os')", new byte[4]));
        assertTrue(m.contains("unexpected text after the dictionary"), m);
    }

    @Test
    void rejectsShapesTooLargeBeforeAllocating() throws IOException {
        String m = readError(npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", new byte[0]));
        assertTrue(m.endsWith("shape [4294967296, 4294967296] has too many elements"), m);
        m = readError(npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", new byte[0]));
        assertTrue(m.contains("dimension does not fit in 64 bits"), m);
        m = readError(npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", new byte[8]));
        assertTrue(m.endsWith("needs 8000000000 data bytes, the file holds 8"), m);
    }

    @Test
    void rejectsVersion3HeadersThatAreNotUtf8() throws IOException {
        byte[] f = npyFile(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", floats(1));
        f[13] = (byte) 0xC3; // a UTF-8 lead byte without its continuation byte
        assertTrue(readError(f).endsWith("the version 3.0 header is not valid UTF-8"));
    }

    @Test
    void refusesToWriteTypesNumpyCannotHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Npy.write(dir.resolve("x.npy"), Tensor.allocate(DType.BFLOAT16, 2)));
        assertTrue(e.getMessage().startsWith("BFLOAT16 tensors cannot be stored in .npy; supported: [FLOAT32"), e.getMessage());
    }

    @Test
    void headerOfLargeRankStillAligns() throws IOException {
        long[] shape = new long[40];
        Arrays.fill(shape, 1);
        Path f = dir.resolve("r.npy");
        Npy.write(f, Tensor.allocate(DType.INT8, shape));
        byte[] bytes = Files.readAllBytes(f);
        int headerBytes = Short.toUnsignedInt(ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort());
        assertEquals(0, (10 + headerBytes) % 64);
        assertEquals(10 + headerBytes + 1, bytes.length);
        assertArrayEquals(shape, Npy.read(f).shape());
    }
}
