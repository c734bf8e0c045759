package dev.jquant.compressor.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jquant.compressor.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Converts between ONNX {@code TensorProto}s and jquant {@link Tensor}s. Reads {@code raw_data}, every typed
 * field ONNX allows for a type, and external data files; writes {@code raw_data}. Tensors read here live on
 * the heap, independent of the protobuf they came from.
 */
public final class OnnxTensors {

    private OnnxTensors() {
    }

    /** Reads a file holding one serialized TensorProto, as the ONNX backend tests store their inputs and outputs. */
    public static Tensor read(Path pbFile) throws IOException {
        return toTensor(parse(pbFile), pbFile.toAbsolutePath().getParent(), pbFile);
    }

    /** The name recorded in a serialized TensorProto file (the graph input or output it is meant for). */
    public static String name(Path pbFile) throws IOException {
        return parse(pbFile).getName();
    }

    /** A TensorProto named {@code name} holding {@code tensor}'s elements in {@code raw_data}. */
    public static TensorProto toProto(String name, Tensor tensor) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(tensor.dtype().code());
        for (long d : tensor.shape()) {
            b.addDims(d);
        }
        return b.setRawData(ByteString.copyFrom(tensor.data().asByteBuffer())).build();
    }

    /**
     * The tensor that {@code proto} describes.
     *
     * @param baseDir directory that external data locations are relative to; null when the model was read
     *        from memory, which makes external data an error
     * @param source the file named in error messages (null for memory)
     */
    public static Tensor toTensor(TensorProto proto, Path baseDir, Path source) throws OnnxImportException {
        String tensorName = "tensor '" + proto.getName() + "'";
        DType dtype = dtype(proto.getDataType()).orElseThrow(() -> new OnnxImportException(source,
                tensorName + " has element type " + typeName(proto.getDataType()) + "; " + supportedTypes()));
        long[] shape = proto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        long elements;
        try {
            elements = Tensor.elementCount(shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new OnnxImportException(source, tensorName + " has invalid dims " + Arrays.toString(shape));
        }
        String what = tensorName + " (" + dtype + Arrays.toString(shape) + ")";
        if (proto.hasSegment()) {
            throw new OnnxImportException(source, what + " is one segment of a split tensor, which is not supported");
        }
        // Sizes are checked against the data present before anything is allocated: dims are untrusted.
        long bytes = dtype.byteSize(elements);
        if (proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return readExternal(proto, dtype, shape, bytes, baseDir, source, what);
        }
        if (proto.hasRawData()) {
            ByteString raw = proto.getRawData();
            if (raw.size() != bytes) {
                throw new OnnxImportException(source, what + " has " + raw.size() + " bytes of raw_data, expected " + bytes);
            }
            Tensor tensor = Tensor.allocate(dtype, shape);
            MemorySegment.copy(MemorySegment.ofBuffer(raw.asReadOnlyByteBuffer()), 0, tensor.data(), 0, bytes);
            return tensor;
        }
        if (elements == 0) {
            return Tensor.allocate(dtype, shape);
        }
        String field = typedField(dtype);
        // 4-bit types pack two elements into each int32, like one byte of raw_data.
        long expected = dtype.bits() < 8 ? bytes : elements;
        int actual = typedCount(proto, field);
        if (actual != expected) {
            throw new OnnxImportException(source, what + (actual == 0
                    ? " has no data (neither raw_data nor " + field + ")"
                    : " holds " + actual + " values in " + field + ", expected " + expected));
        }
        Tensor tensor = Tensor.allocate(dtype, shape);
        readTypedField(proto, tensor);
        return tensor;
    }

    /** jquant's type for an ONNX {@code DataType} code, if jquant has one. */
    static Optional<DType> dtype(int onnxCode) {
        return DType.fromCode(onnxCode);
    }

    /** The ONNX name of a {@code DataType} code, e.g. {@code STRING}. */
    static String typeName(int onnxCode) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(onnxCode);
        return t == null ? "code " + onnxCode : t.name();
    }

    /** A sentence listing the ONNX element types jquant reads. */
    static String supportedTypes() {
        return Stream.of(DType.values()).map(d -> typeName(d.code()))
                .collect(Collectors.joining(", ", "jquant supports ", ""));
    }

    private static TensorProto parse(Path pbFile) throws IOException {
        TensorProto proto;
        try {
            proto = TensorProto.parseFrom(Files.readAllBytes(pbFile));
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException(pbFile, "not a serialized ONNX TensorProto: " + e.getMessage(), e);
        }
        // A SequenceProto or OptionalProto parses as a TensorProto whose tensor_value lands in `segment`.
        if (proto.getDataType() == TensorProto.DataType.UNDEFINED_VALUE || proto.hasSegment()) {
            throw new OnnxImportException(pbFile, "not a whole dense TensorProto (a sequence, map or optional "
                    + "value, or one segment of a split tensor); only tensors are supported");
        }
        return proto;
    }

    /** The TensorProto field that holds elements of {@code dtype} when raw_data is absent. */
    private static String typedField(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "float_data";
            case FLOAT64 -> "double_data";
            case INT64 -> "int64_data";
            case UINT32, UINT64 -> "uint64_data";
            case INT32, INT16, UINT16, FLOAT16, BFLOAT16, INT8, UINT8, BOOL, INT4, UINT4 -> "int32_data";
        };
    }

    private static int typedCount(TensorProto p, String field) {
        return switch (field) {
            case "float_data" -> p.getFloatDataCount();
            case "double_data" -> p.getDoubleDataCount();
            case "int64_data" -> p.getInt64DataCount();
            case "uint64_data" -> p.getUint64DataCount();
            default -> p.getInt32DataCount();
        };
    }

    /** Fills {@code tensor} from its typed field, whose length was checked. */
    private static void readTypedField(TensorProto p, Tensor tensor) {
        MemorySegment out = tensor.data();
        int n = Math.toIntExact(tensor.elementCount());
        switch (tensor.dtype()) {
            case FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Tensor.F32, i, p.getFloatData(i));
                }
            }
            case FLOAT64 -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Tensor.F64, i, p.getDoubleData(i));
                }
            }
            case INT64 -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Tensor.I64, i, p.getInt64Data(i));
                }
            }
            case UINT64 -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Tensor.I64, i, p.getUint64Data(i));
                }
            }
            case UINT32 -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Tensor.I32, i, (int) p.getUint64Data(i));
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Tensor.I32, i, p.getInt32Data(i));
                }
            }
            // 16-bit types, float16 and bfloat16 included, keep their bit pattern in the low half of an int32.
            case INT16, UINT16, FLOAT16, BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out.setAtIndex(Tensor.I16, i, (short) p.getInt32Data(i));
                }
            }
            case INT8, UINT8, BOOL -> {
                for (int i = 0; i < n; i++) {
                    out.set(ValueLayout.JAVA_BYTE, i, (byte) p.getInt32Data(i));
                }
            }
            case INT4, UINT4 -> {
                int bytes = Math.toIntExact(tensor.byteSize());
                for (int i = 0; i < bytes; i++) {
                    out.set(ValueLayout.JAVA_BYTE, i, (byte) p.getInt32Data(i));
                }
            }
        }
    }

    /**
     * Reads data kept in a file beside the model ({@code data_location = EXTERNAL}). The location must stay
     * inside the model's directory, after resolving symbolic links, so a model cannot make the importer read
     * arbitrary files.
     */
    private static Tensor readExternal(TensorProto p, DType dtype, long[] shape, long bytes, Path baseDir,
            Path source, String what) throws OnnxImportException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLength(e.getValue(), "offset", source, what);
                case "length" -> length = parseLength(e.getValue(), "length", source, what);
                default -> { } // "checksum" and future keys do not change where the data is
            }
        }
        if (location == null || location.isEmpty()) {
            throw new OnnxImportException(source, what + " is marked EXTERNAL but external_data has no location");
        }
        if (baseDir == null) {
            throw new OnnxImportException(source, what + " keeps its data in external file '" + location
                    + "', which is found relative to the model's file: import the model from its path");
        }
        Path file = resolveInside(baseDir, location, source, what);
        if (length >= 0 && length != bytes) {
            throw new OnnxImportException(source, what + " has external data length " + length + ", expected " + bytes);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            if (offset > channel.size() || bytes > channel.size() - offset) {
                throw new OnnxImportException(source, what + " needs bytes [" + offset + ", " + (offset + bytes)
                        + ") of external file '" + location + "', which holds " + channel.size());
            }
            Tensor tensor = Tensor.allocate(dtype, shape);
            if (bytes > 0) {
                MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, offset, bytes, arena);
                MemorySegment.copy(mapped, 0, tensor.data(), 0, bytes);
            }
            return tensor;
        } catch (OnnxImportException e) {
            throw e;
        } catch (IOException e) {
            throw new OnnxImportException(source, what + ": cannot read external file '" + location + "': " + e, e);
        }
    }

    private static Path resolveInside(Path baseDir, String location, Path source, String what)
            throws OnnxImportException {
        String refusal = what + " has external data location '" + location + "' outside the model's directory";
        try {
            Path relative = Path.of(location);
            Path base = baseDir.toAbsolutePath().normalize();
            Path file = base.resolve(relative).normalize();
            if (relative.isAbsolute() || !file.startsWith(base)) {
                throw new OnnxImportException(source, refusal);
            }
            if (!Files.isRegularFile(file)) {
                throw new OnnxImportException(source, what + " has external data in '" + location
                        + "', which is not a file in " + base);
            }
            if (!file.toRealPath().startsWith(base.toRealPath())) {
                throw new OnnxImportException(source, refusal + " (through a symbolic link)");
            }
            return file;
        } catch (InvalidPathException e) {
            throw new OnnxImportException(source, what + " has an invalid external data location '" + location + "'");
        } catch (OnnxImportException e) {
            throw e;
        } catch (IOException e) {
            throw new OnnxImportException(source, what + ": cannot resolve external file '" + location + "': " + e, e);
        }
    }

    private static long parseLength(String value, String key, Path source, String what) throws OnnxImportException {
        try {
            long v = Long.parseLong(value.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the other invalid values
        }
        throw new OnnxImportException(source, what + " has external data " + key + " '" + value
                + "', expected a non-negative integer");
    }
}
