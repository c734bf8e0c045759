package dev.jquant.runtime;

/**
 * Immutable session settings, built with {@link #builder()}. Owns no native memory.
 *
 * @param threads intra-op threads this session may use (1 = the calling thread only)
 * @param backend {@code auto} or a backend name from {@code Backends.probe()}, e.g. {@code java}
 */
public record SessionOptions(int threads, String backend) {

    public SessionOptions {
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads must be in [1, 1024], was " + threads);
        }
        if (backend == null || backend.isBlank()) {
            throw new IllegalArgumentException("backend must be 'auto' or a backend name");
        }
    }

    public static SessionOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int threads = 1;
        private String backend = "auto";

        private Builder() {
        }

        public Builder threads(int threads) {
            this.threads = threads;
            return this;
        }

        public Builder backend(String backend) {
            this.backend = backend;
            return this;
        }

        public SessionOptions build() {
            return new SessionOptions(threads, backend);
        }
    }
}
