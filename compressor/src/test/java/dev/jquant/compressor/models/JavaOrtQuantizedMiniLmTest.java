package dev.jquant.compressor.models;

/** ONNX Runtime's int8 MiniLM on the Java backend: MatMulInteger on the Java int8 GEMM. */
class JavaOrtQuantizedMiniLmTest extends AbstractOrtQuantizedMiniLmTest {
    @Override
    protected String backend() {
        return "java";
    }
}
