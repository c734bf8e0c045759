package dev.jquant.cli;

import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** One {@code --input NAME=FILE.npy} argument: a model input and the file that holds its value. */
record NamedInput(String name, Path file) {

    /** Splits at the first {@code =}; model input names may contain anything but that. */
    static final class Converter implements ITypeConverter<NamedInput> {
        @Override
        public NamedInput convert(String value) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new TypeConversionException("expected NAME=FILE.npy, e.g. input_ids=ids.npy, but got '" + value + "'");
            }
            return new NamedInput(value.substring(0, eq), Path.of(value.substring(eq + 1)));
        }
    }
}
