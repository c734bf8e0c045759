package dev.jquant.compressor.conformance;

/** The ONNX node tests on the pure-Java backend. */
class JavaNodeConformanceTest extends AbstractNodeConformanceTest {
    @Override
    protected String backend() {
        return "java";
    }
}
