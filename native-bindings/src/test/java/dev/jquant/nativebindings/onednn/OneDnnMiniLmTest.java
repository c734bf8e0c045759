package dev.jquant.nativebindings.onednn;

import dev.jquant.compressor.models.AbstractMiniLmTest;

/** all-MiniLM-L6-v2 on oneDNN against ONNX Runtime. */
class OneDnnMiniLmTest extends AbstractMiniLmTest {
    @Override
    protected String backend() {
        return OneDnnBackendProvider.NAME;
    }
}
