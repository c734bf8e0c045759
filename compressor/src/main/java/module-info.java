/** The jquant compressor: imports ONNX models, rewrites and compresses their graphs, writes {@code .jqm} files. */
module dev.jquant.compressor {
    requires transitive dev.jquant.runtime;
    // The generated ONNX messages (onnx.proto) are part of the onnx package's API.
    requires transitive com.google.protobuf;
    requires com.google.gson;

    exports dev.jquant.compressor;
    exports dev.jquant.compressor.calibration;
    exports dev.jquant.compressor.format;
    exports dev.jquant.compressor.io;
    exports dev.jquant.compressor.onnx;
    exports dev.jquant.compressor.onnx.proto;
    exports dev.jquant.compressor.passes;
    exports dev.jquant.compressor.quantize;
    exports dev.jquant.compressor.report;
    exports dev.jquant.compressor.text;
}
