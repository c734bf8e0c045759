package dev.jquant.runtime.ops;

/**
 * A valid use of a supported operator that this backend does not implement (an element type, a mode,
 * training-only behaviour), as opposed to a malformed model. Thrown from {@link Operator#prepare}; the
 * message names what is missing and what is supported.
 */
public class UnsupportedVariantException extends IllegalArgumentException {
    public UnsupportedVariantException(String message) {
        super(message);
    }
}
