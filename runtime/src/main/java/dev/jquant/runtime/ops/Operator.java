package dev.jquant.runtime.ops;

/**
 * One node's computation on one backend, in two steps as in TFLite Micro. {@link #prepare} runs once
 * per plan (one input-shape signature): it validates inputs and attributes, computes output types and
 * shapes, and reserves scratch memory; it may keep whatever it derives in fields. {@link #execute} runs
 * on every inference: it only computes, neither allocating nor validating again.
 *
 * <p>An instance belongs to one plan of one session and is never shared between threads.
 */
public interface Operator {

    /** Validates and sizes; throws {@link IllegalArgumentException} with a message naming what is wrong. */
    void prepare(PrepareContext ctx);

    /** Computes outputs from inputs. */
    void execute(ExecContext ctx);

    /**
     * After {@link #prepare}: why this operator hands the node to the Java backend's own operator for these
     * inputs (a native backend that cannot take a shape or a quantized weight), or null when it runs the node
     * itself. Plans print it, and count the node's time as Java's.
     */
    default String delegatedToJava() {
        return null;
    }

    /**
     * Releases what this operator holds outside the Java heap (a native backend's primitives) when its
     * plan is dropped, e.g. evicted from a session's plan cache. Idempotent; most operators hold nothing.
     */
    default void close() {
    }
}
