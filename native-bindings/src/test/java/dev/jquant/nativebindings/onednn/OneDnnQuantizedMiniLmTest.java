package dev.jquant.nativebindings.onednn;

import dev.jquant.compressor.models.AbstractQuantizedMiniLmTest;

/**
 * Compressed all-MiniLM-L6-v2 with {@code onednn} as the session's backend: its float nodes run on oneDNN,
 * the nodes that read quantized weights on the Java int8/int4 kernels, and the accuracy must be the same.
 */
class OneDnnQuantizedMiniLmTest extends AbstractQuantizedMiniLmTest {
    @Override
    protected String backend() {
        return OneDnnBackendProvider.NAME;
    }
}
