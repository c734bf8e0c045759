package dev.jquant.runtime.spi;

/**
 * Discovered through {@link java.util.ServiceLoader}. Construction and {@link #probe()} are cheap and
 * never throw: a provider whose native library is missing reports so in its probe; native code is
 * loaded only in {@link #open()}.
 */
public interface BackendProvider {

    /** Short lowercase name used on the command line and in options, e.g. {@code java}, {@code onednn}. */
    String name();

    /** Higher wins when {@code AUTO} picks among available backends. */
    int priority();

    /** Whether this backend can run here and why not; never throws. */
    BackendProbe probe();

    /** Opens the backend; only called after an available probe. */
    Backend open();
}
