package dev.jquant.runtime.format;

import java.nio.file.Path;

/**
 * A {@code .jqm} file that violates the format: the message names the file, the byte offset and the
 * field, e.g. {@code model.jqm: offset 1234: tensor directory entry 7 'w': data offset points past the
 * end of the data section}.
 */
public class ModelFormatException extends java.io.IOException {
    private final Path file;
    private final long offset;
    private final String field;

    public ModelFormatException(Path file, long offset, String field, String problem) {
        super((file == null ? "<memory>" : file.toString()) + ": offset " + offset + ": " + field + ": " + problem);
        this.file = file;
        this.offset = offset;
        this.field = field;
    }

    public Path file() {
        return file;
    }

    /** Byte offset in the file where the problem was found. */
    public long offset() {
        return offset;
    }

    /** The field (or section) that is wrong. */
    public String field() {
        return field;
    }
}
