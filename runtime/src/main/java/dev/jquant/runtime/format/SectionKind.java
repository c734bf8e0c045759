package dev.jquant.runtime.format;

import java.util.Optional;

/** The section kinds of format version 1.0, with their codes in the section table. */
public enum SectionKind {
    /** String key/value pairs: the graph's metadata. */
    METADATA(1),
    /** Opset, graph name, inputs, outputs and nodes with their attributes. */
    GRAPH(2),
    /** Per tensor: name, dtype, shape, where its bytes lie in DATA, and its quantization descriptor. */
    TENSOR_DIRECTORY(3),
    /** Tensor bytes, each tensor on a 64-byte boundary of the file. */
    DATA(4),
    /** Optional Ed25519 signature over the header, the section table and each section's SHA-256. */
    SIGNATURE(5);

    private final int code;

    SectionKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static Optional<SectionKind> fromCode(long code) {
        for (SectionKind k : values()) {
            if (k.code == code) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }
}
