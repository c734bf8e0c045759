package dev.jquant.compressor.io;

import java.util.ArrayList;
import java.util.List;

/**
 * The dictionary at the start of a {@code .npy} file, e.g.
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. The parser accepts only the
 * Python-literal subset NumPy writes (quoted strings, {@code True}/{@code False}, tuples of integers),
 * so a hostile header cannot smuggle anything else in.
 *
 * @param descr the NumPy type string, e.g. {@code <f4}
 * @param fortranOrder true when the data is in column-major order
 * @param shape the dimensions, empty for a scalar
 */
record NpyHeader(String descr, boolean fortranOrder, long[] shape) {

    NpyHeader {
        shape = shape.clone();
    }

    /** The dictionary text NumPy writes for this header, keys sorted, without padding. */
    String format() {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(shape.length == 1 ? ",), }" : "), }").toString();
    }

    /** Parses the header text; an {@link IllegalArgumentException} says what was wrong and where. */
    static NpyHeader parse(String text) {
        return new Parser(text).header();
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        NpyHeader header() {
            String descr = null;
            Boolean fortranOrder = null;
            long[] shape = null;
            expect('{');
            while (!peek('}')) {
                String key = string();
                expect(':');
                switch (key) {
                    case "descr" -> {
                        if (peek('[')) {
                            throw error("structured dtypes (a list in 'descr') are not supported");
                        }
                        descr = string();
                    }
                    case "fortran_order" -> fortranOrder = bool();
                    case "shape" -> shape = tuple();
                    default -> throw error("unexpected key '" + key + "', expected 'descr', 'fortran_order' and 'shape'");
                }
                if (!peek('}')) {
                    expect(',');
                }
            }
            expect('}');
            skipSpace();
            if (pos != text.length()) {
                throw error("unexpected text after the dictionary");
            }
            if (descr == null || fortranOrder == null || shape == null) {
                throw new IllegalArgumentException("header lacks "
                        + (descr == null ? "'descr'" : fortranOrder == null ? "'fortran_order'" : "'shape'")
                        + "; it must hold 'descr', 'fortran_order' and 'shape'");
            }
            return new NpyHeader(descr, fortranOrder, shape);
        }

        private String string() {
            skipSpace();
            char quote = pos < text.length() ? text.charAt(pos) : 0;
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String s = text.substring(pos + 1, end);
            if (s.indexOf('\\') >= 0) {
                throw error("escapes in strings are not supported");
            }
            pos = end + 1;
            return s;
        }

        private boolean bool() {
            skipSpace();
            if (text.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw error("expected True or False");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (!peek(')')) {
                dims.add(integer());
                if (!peek(')')) {
                    expect(',');
                }
            }
            expect(')');
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private long integer() {
            skipSpace();
            int start = pos;
            long value = 0;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                try {
                    value = Math.addExact(Math.multiplyExact(value, 10), text.charAt(pos) - '0');
                } catch (ArithmeticException e) {
                    throw error("dimension does not fit in 64 bits");
                }
                pos++;
            }
            if (start == pos) {
                throw error("expected a non-negative integer dimension");
            }
            if (pos < text.length() && text.charAt(pos) == 'L') {
                pos++; // Python 2 long literal, as old NumPy versions wrote
            }
            return value;
        }

        private boolean peek(char c) {
            skipSpace();
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\n')) {
                pos++;
            }
        }

        private IllegalArgumentException error(String problem) {
            String near = text.substring(pos, Math.min(text.length(), pos + 20));
            return new IllegalArgumentException("malformed header at character " + pos + " (near \"" + near + "\"): "
                    + problem);
        }
    }
}
