package dev.jquant.compressor.models;

/** {@link AbstractQuantizedMiniLmTest} on the Java backend. */
class JavaQuantizedMiniLmTest extends AbstractQuantizedMiniLmTest {
    @Override
    protected String backend() {
        return "java";
    }
}
