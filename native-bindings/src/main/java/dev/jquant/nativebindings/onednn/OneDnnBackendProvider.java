package dev.jquant.nativebindings.onednn;

import dev.jquant.runtime.spi.Backend;
import dev.jquant.runtime.spi.BackendProbe;
import dev.jquant.runtime.spi.BackendProvider;

/**
 * The oneDNN backend's provider. Constructing it touches no JavaCPP class, so it loads even when the
 * presets are absent; the natives load on the first {@link #probe()}, whose result is cached.
 */
public final class OneDnnBackendProvider implements BackendProvider {

    public static final String NAME = "onednn";

    /** Above the Java backend's 0, so {@code auto} picks oneDNN wherever it loads. */
    static final int PRIORITY = 100;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public BackendProbe probe() {
        return OneDnnAvailability.probe();
    }

    @Override
    public Backend open() {
        return new OneDnnBackend(OneDnnAvailability.library());
    }
}
