package dev.jquant.nativebindings.onednn;

import dev.jquant.runtime.ops.ExecContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The oneDNN primitives one node runs, in order, with the native resources they own. They are built for one
 * thread when the node is prepared (the thread count is not part of its prepare context) and rebuilt on the
 * first run with another count, since some implementations fix their work split when created; each runs on the
 * session's threads, or on one where its work is too small to pay for waking the others ({@link WorkEstimate}).
 * Closing destroys them; the packed weights stay with the session's backend.
 */
final class PrimitiveSequence {

    private final OneDnnBackend backend;
    private final String what;
    private final NativeResources owned;
    private final List<OneDnnPrimitive> primitives = new ArrayList<>();
    private int builtThreads;
    private boolean closed;

    /** @param what names the node in errors */
    PrimitiveSequence(OneDnnBackend backend, String what) {
        this.backend = backend;
        this.what = what;
        this.owned = backend.newResources();
    }

    void add(OneDnnPrimitive primitive) {
        primitives.add(primitive);
    }

    /** (Re)creates every primitive and its memory objects for {@code threads} OpenMP threads. */
    void build(int threads) {
        owned.close();
        for (OneDnnPrimitive primitive : primitives) {
            int own = primitive.threads(threads);
            backend.library().setThreads(own);
            primitive.build(owned, own);
        }
        builtThreads = threads;
    }

    /** Runs the primitives in order on this step's tensors, with the step's thread count. */
    void run(ExecContext ctx) {
        if (closed) {
            throw new IllegalStateException(what + ": its oneDNN primitives were closed");
        }
        int threads = ctx.parallel().threads();
        if (threads != builtThreads) {
            build(threads);
        }
        for (int i = 0; i < primitives.size(); i++) { // indexed: an iterator per run would be garbage
            OneDnnPrimitive primitive = primitives.get(i);
            backend.library().setThreads(primitive.threads(threads));
            primitive.run(ctx);
        }
    }

    /** Destroys the primitives and their memory objects, e.g. after a failed build or when the plan is dropped. */
    void close() {
        closed = true;
        backend.release(owned);
    }
}
