/** The compressor's entry points; the work happens in the onnx, passes and format packages. */
package dev.jquant.compressor;
