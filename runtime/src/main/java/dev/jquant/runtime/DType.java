package dev.jquant.runtime;

import java.util.Optional;

/**
 * Element types of tensors. The codes are ONNX's {@code TensorProto.DataType} values, so a model's
 * types keep their meaning from the ONNX file through the {@code .jqm} file to the runtime.
 */
public enum DType {
    FLOAT32(1, 32),
    UINT8(2, 8),
    INT8(3, 8),
    UINT16(4, 16),
    INT16(5, 16),
    INT32(6, 32),
    INT64(7, 64),
    BOOL(9, 8),
    FLOAT16(10, 16),
    FLOAT64(11, 64),
    UINT32(12, 32),
    UINT64(13, 64),
    BFLOAT16(16, 16),
    /** Two unsigned 4-bit values per byte, the first in the low nibble. */
    UINT4(21, 4),
    /** Two signed 4-bit values per byte, the first in the low nibble. */
    INT4(22, 4);

    private final int code;
    private final int bits;

    DType(int code, int bits) {
        this.code = code;
        this.bits = bits;
    }

    /** The ONNX {@code TensorProto.DataType} code, also used in the {@code .jqm} format. */
    public int code() {
        return code;
    }

    public int bits() {
        return bits;
    }

    /** Bytes per element for byte-aligned types; sub-byte types report 0 (use {@link #byteSize(long)}). */
    public int byteSize() {
        return bits >= 8 ? bits / 8 : 0;
    }

    /** Bytes that {@code elements} values of this type occupy, packed for sub-byte types. */
    public long byteSize(long elements) {
        return bits >= 8 ? elements * (bits / 8) : (elements * bits + 7) / 8;
    }

    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64 || this == FLOAT16 || this == BFLOAT16;
    }

    public static Optional<DType> fromCode(int code) {
        for (DType t : values()) {
            if (t.code == code) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
