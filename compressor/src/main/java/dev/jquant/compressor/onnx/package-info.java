/**
 * Reads ONNX models into jquant's {@link dev.jquant.runtime.graph.Graph}: the protobuf schema
 * ({@code onnx.proto}, generated into {@code dev.jquant.compressor.onnx.proto}), tensor conversion and the
 * importer. Everything jquant cannot run is refused at import with an
 * {@link dev.jquant.runtime.UnsupportedOperatorException} that names the op type, node and opset, so a model
 * that imports has no surprises left for the runtime.
 */
package dev.jquant.compressor.onnx;
