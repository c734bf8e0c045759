package dev.jquant.nativebindings.onednn;

import dev.jquant.runtime.spi.BackendProbe;
import org.junit.jupiter.api.Assumptions;

/** Skips a test, printing the probe's reason, where oneDNN does not load. */
final class OneDnnTesting {

    private OneDnnTesting() {
    }

    static void assumeAvailable() {
        BackendProbe probe = new OneDnnBackendProvider().probe();
        if (!probe.available()) {
            System.out.println("SKIPPED oneDNN test: " + probe.reason());
        }
        Assumptions.assumeTrue(probe.available(), () -> "oneDNN unavailable: " + probe.reason());
    }
}
