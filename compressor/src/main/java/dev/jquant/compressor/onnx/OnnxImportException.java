package dev.jquant.compressor.onnx;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An ONNX file that cannot be read: not a protobuf model, tensor data that does not match its declared
 * type and shape, external data outside the model's directory, a graph that reads undefined values.
 * The message names the file (or {@code <memory>}) and the tensor, value or node at fault. What jquant
 * could read but cannot run is an {@link dev.jquant.runtime.UnsupportedOperatorException} instead.
 */
public class OnnxImportException extends IOException {
    private final Path file;

    public OnnxImportException(Path file, String problem) {
        super((file == null ? "<memory>" : file.toString()) + ": " + problem);
        this.file = file;
    }

    public OnnxImportException(Path file, String problem, Throwable cause) {
        this(file, problem);
        initCause(cause);
    }

    /** The file being read, or null when the model came from memory. */
    public Path file() {
        return file;
    }
}
