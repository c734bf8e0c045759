package dev.jquant.compressor.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OnnxTensorsTest {

    private static final Path NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");

    @TempDir
    Path dir;

    private static TensorProto.Builder proto(DType dtype, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("t").setDataType(dtype.code());
        for (long d : dims) {
            b.addDims(d);
        }
        return b;
    }

    private static byte[] bytes(Tensor t) {
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void rawDataRoundTripsEveryType(DType dtype) throws IOException {
        Tensor t = Tensor.allocate(dtype, 3, 5);
        byte[] random = new byte[(int) t.byteSize()];
        new Random(dtype.code()).nextBytes(random);
        t.data().copyFrom(java.lang.foreign.MemorySegment.ofArray(random));

        Tensor back = OnnxTensors.toTensor(OnnxTensors.toProto("w", t), null, null);

        assertEquals(dtype, back.dtype());
        assertArrayEquals(new long[] {3, 5}, back.shape());
        assertArrayEquals(random, bytes(back));
    }

    @Test
    void typedFieldsOfEveryWidth() throws IOException {
        Tensor f = OnnxTensors.toTensor(proto(DType.FLOAT32, 2).addFloatData(1.5f).addFloatData(-2f).build(), null, null);
        assertArrayEquals(new float[] {1.5f, -2f}, f.toFloatArray());

        Tensor d = OnnxTensors.toTensor(proto(DType.FLOAT64, 1).addDoubleData(0.25).build(), null, null);
        assertEquals(0.25, d.data().getAtIndex(Tensor.F64, 0));

        Tensor l = OnnxTensors.toTensor(proto(DType.INT64, 2).addInt64Data(-7).addInt64Data(1L << 40).build(), null, null);
        assertArrayEquals(new long[] {-7, 1L << 40}, l.toLongArray());

        Tensor i8 = OnnxTensors.toTensor(proto(DType.INT8, 2).addInt32Data(-3).addInt32Data(127).build(), null, null);
        assertArrayEquals(new long[] {-3, 127}, i8.toLongArrayWidening());

        Tensor u8 = OnnxTensors.toTensor(proto(DType.UINT8, 1).addInt32Data(200).build(), null, null);
        assertArrayEquals(new long[] {200}, u8.toLongArrayWidening());

        Tensor b = OnnxTensors.toTensor(proto(DType.BOOL, 2).addInt32Data(1).addInt32Data(0).build(), null, null);
        assertArrayEquals(new long[] {1, 0}, b.toLongArrayWidening());

        Tensor u16 = OnnxTensors.toTensor(proto(DType.UINT16, 1).addInt32Data(65535).build(), null, null);
        assertArrayEquals(new long[] {65535}, u16.toLongArrayWidening());

        // float16 1.0 is 0x3C00, bfloat16 1.0 is 0x3F80: bit patterns in int32_data.
        Tensor h = OnnxTensors.toTensor(proto(DType.FLOAT16, 1).addInt32Data(0x3C00).build(), null, null);
        assertEquals((short) 0x3C00, h.data().getAtIndex(Tensor.I16, 0));
        Tensor bf = OnnxTensors.toTensor(proto(DType.BFLOAT16, 1).addInt32Data(0x3F80).build(), null, null);
        assertEquals((short) 0x3F80, bf.data().getAtIndex(Tensor.I16, 0));

        Tensor u32 = OnnxTensors.toTensor(proto(DType.UINT32, 1).addUint64Data(0xFFFF_FFFFL).build(), null, null);
        assertArrayEquals(new long[] {0xFFFF_FFFFL}, u32.toLongArrayWidening());
        Tensor u64 = OnnxTensors.toTensor(proto(DType.UINT64, 1).addUint64Data(-1L).build(), null, null);
        assertEquals(-1L, u64.getLong(0));

        // Three int4 values: two bytes, the first element in the low nibble.
        Tensor i4 = OnnxTensors.toTensor(proto(DType.INT4, 3).addInt32Data(0x21).addInt32Data(0x03).build(), null, null);
        assertArrayEquals(new byte[] {0x21, 0x03}, bytes(i4));

        Tensor empty = OnnxTensors.toTensor(proto(DType.FLOAT32, 0, 4).build(), null, null);
        assertEquals(0, empty.elementCount());
    }

    @Test
    void dataThatDoesNotFitTheShapeIsRefused() {
        var missing = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(proto(DType.FLOAT32, 2, 2).build(), null, null));
        assertEquals("<memory>: tensor 't' (FLOAT32[2, 2]) has no data (neither raw_data nor float_data)",
                missing.getMessage());

        var few = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(proto(DType.INT64, 3).addInt64Data(1).build(), null, null));
        assertEquals("<memory>: tensor 't' (INT64[3]) holds 1 values in int64_data, expected 3", few.getMessage());

        var raw = assertThrows(OnnxImportException.class, () -> OnnxTensors.toTensor(
                proto(DType.FLOAT32, 2).setRawData(com.google.protobuf.ByteString.copyFrom(new byte[7])).build(),
                null, null));
        assertEquals("<memory>: tensor 't' (FLOAT32[2]) has 7 bytes of raw_data, expected 8", raw.getMessage());

        var negative = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(proto(DType.FLOAT32, -1).build(), null, null));
        assertTrue(negative.getMessage().contains("invalid dims [-1]"), negative.getMessage());
    }

    @Test
    void stringAndOtherTypesJquantLacksAreRefusedByName() {
        var e = assertThrows(OnnxImportException.class, () -> OnnxTensors.toTensor(
                TensorProto.newBuilder().setName("words").setDataType(TensorProto.DataType.STRING_VALUE)
                        .addDims(1).addStringData(com.google.protobuf.ByteString.copyFromUtf8("a")).build(), null, null));
        assertTrue(e.getMessage().startsWith("<memory>: tensor 'words' has element type STRING; jquant supports FLOAT, "
                + "UINT8, INT8"), e.getMessage());
    }

    @Test
    void segmentedTensorsAreRefused() {
        var e = assertThrows(OnnxImportException.class, () -> OnnxTensors.toTensor(proto(DType.FLOAT32, 1)
                .addFloatData(1).setSegment(TensorProto.Segment.newBuilder().setBegin(0).setEnd(1)).build(), null, null));
        assertTrue(e.getMessage().contains("one segment of a split tensor"), e.getMessage());
    }

    @Test
    void readsTensorFilesAndTheirNames() throws IOException {
        Path file = dir.resolve("input_0.pb");
        Files.write(file, OnnxTensors.toProto("x", Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2)).toByteArray());

        assertEquals("x", OnnxTensors.name(file));
        assertArrayEquals(new float[] {1, 2, 3, 4}, OnnxTensors.read(file).toFloatArray());
    }

    @Test
    void readsTheOnnxNodeTestData() throws IOException {
        Path file = NODE_TESTS.resolve("test_abs/test_data_set_0/input_0.pb");
        Assumptions.assumeTrue(Files.exists(file), "ONNX node tests not installed (Debian package libonnx-testdata)");

        Tensor x = OnnxTensors.read(file);

        assertEquals("x", OnnxTensors.name(file));
        assertEquals(DType.FLOAT32, x.dtype());
        assertArrayEquals(new long[] {3, 4, 5}, x.shape());
        assertEquals(1.7640524f, x.getFloat(0)); // numpy.random.seed(0), as the ONNX test generator uses
    }

    @Test
    void sequenceValuesInTestDataAreRefusedClearly() {
        Path file = NODE_TESTS.resolve("test_identity_sequence/test_data_set_0/input_0.pb");
        Assumptions.assumeTrue(Files.exists(file), "ONNX node tests not installed (Debian package libonnx-testdata)");

        var e = assertThrows(OnnxImportException.class, () -> OnnxTensors.read(file));
        assertTrue(e.getMessage().contains("not a whole dense TensorProto (a sequence, map or optional value"),
                e.getMessage());
    }

    @Test
    void garbageIsNotATensor() throws IOException {
        Path file = dir.resolve("bad.pb");
        Files.write(file, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        var e = assertThrows(OnnxImportException.class, () -> OnnxTensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": not a serialized ONNX TensorProto"), e.getMessage());
    }

    private static TensorProto external(String location, long offset, long length, long... dims) {
        TensorProto.Builder b = proto(DType.FLOAT32, dims).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location)).addExternalData(entry("offset", Long.toString(offset)));
        if (length >= 0) {
            b.addExternalData(entry("length", Long.toString(length)));
        }
        return b.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private void writeFloats(Path file, int padding, float... values) throws IOException {
        Tensor t = Tensor.ofFloats(values, values.length);
        byte[] data = new byte[padding + (int) t.byteSize()];
        System.arraycopy(bytes(t), 0, data, padding, (int) t.byteSize());
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }

    @Test
    void externalDataAtAnOffsetInsideTheModelDirectory() throws IOException {
        writeFloats(dir.resolve("weights/w.bin"), 12, 1f, 2f, 3f);

        Tensor t = OnnxTensors.toTensor(external("weights/w.bin", 12, 12, 3), dir, dir.resolve("m.onnx"));
        assertArrayEquals(new float[] {1, 2, 3}, t.toFloatArray());

        Tensor noLength = OnnxTensors.toTensor(external("weights/w.bin", 16, -1, 2), dir, null);
        assertArrayEquals(new float[] {2, 3}, noLength.toFloatArray());
    }

    @Test
    void externalDataOutsideTheModelDirectoryIsRefused() throws IOException {
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        writeFloats(dir.resolve("secret.bin"), 0, 1f);

        var up = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(external("../secret.bin", 0, 4, 1), model, null));
        assertEquals("<memory>: tensor 't' (FLOAT32[1]) has external data location '../secret.bin' outside the "
                + "model's directory", up.getMessage());

        var absolute = assertThrows(OnnxImportException.class, () -> OnnxTensors.toTensor(
                external(dir.resolve("secret.bin").toString(), 0, 4, 1), model, null));
        assertTrue(absolute.getMessage().contains("outside the model's directory"), absolute.getMessage());

        Files.createSymbolicLink(model.resolve("link.bin"), dir.resolve("secret.bin"));
        var link = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(external("link.bin", 0, 4, 1), model, null));
        assertTrue(link.getMessage().endsWith("outside the model's directory (through a symbolic link)"), link.getMessage());
    }

    @Test
    void externalDataMustHoldTheWholeTensor() throws IOException {
        writeFloats(dir.resolve("w.bin"), 0, 1f, 2f);

        var shortFile = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(external("w.bin", 4, -1, 2), dir, null));
        assertEquals("<memory>: tensor 't' (FLOAT32[2]) needs bytes [4, 12) of external file 'w.bin', which holds 8",
                shortFile.getMessage());

        var length = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(external("w.bin", 0, 4, 2), dir, null));
        assertTrue(length.getMessage().endsWith("has external data length 4, expected 8"), length.getMessage());

        var missing = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(external("nothere.bin", 0, 8, 2), dir, null));
        assertTrue(missing.getMessage().contains("'nothere.bin', which is not a file in"), missing.getMessage());

        var memory = assertThrows(OnnxImportException.class,
                () -> OnnxTensors.toTensor(external("w.bin", 0, 8, 2), null, null));
        assertTrue(memory.getMessage().endsWith("import the model from its path"), memory.getMessage());
    }
}
