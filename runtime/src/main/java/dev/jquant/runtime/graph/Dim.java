package dev.jquant.runtime.graph;

/**
 * One dimension of a declared shape: a fixed size, or a symbol such as {@code batch} that is bound when
 * the model runs. Symbols are names for people; two dimensions with one name are not forced equal
 * (exporters reuse names carelessly, e.g. MiniLM calls both of its input dimensions {@code batch}).
 */
public record Dim(long size, String symbol) {

    public Dim {
        if (symbol == null && size < 0) {
            throw new IllegalArgumentException("fixed dimension must be >= 0, was " + size);
        }
    }

    public static Dim fixed(long size) {
        return new Dim(size, null);
    }

    /** A dimension known only at run time; {@code symbol} may be empty when the model gave no name. */
    public static Dim symbolic(String symbol) {
        return new Dim(-1, symbol == null ? "" : symbol);
    }

    public boolean isFixed() {
        return symbol == null;
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(size) : (symbol.isEmpty() ? "?" : symbol);
    }
}
