package dev.jquant.bench.kernels;

import dev.jquant.kernels.KernelConfig;

/** Guards the {@code VECTOR} implementations, which must not quietly measure a scalar fallback. */
final class VectorSupport {

    private VectorSupport() {
    }

    /** Throws, with the reason and the fix, unless the Vector API kernels can run in this JVM. */
    static void require() {
        if (!KernelConfig.useVector()) {
            throw new IllegalStateException("impl=VECTOR cannot run: " + KernelConfig.reason());
        }
    }
}
