package dev.jquant.runtime;

/**
 * A failure while planning or running a model: wrong inputs, or an operator that cannot run on the
 * shapes it was given. The message names the node, its op type and the backend where one is involved.
 */
public class InferenceException extends RuntimeException {
    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
