package dev.jquant.compressor.models;

/** MiniLM on the pure-Java backend. */
class JavaMiniLmTest extends AbstractMiniLmTest {
    @Override
    protected String backend() {
        return "java";
    }
}
