/**
 * Weights stored quantized: the codes, scales and zero points a {@code .jqm} tensor's quantization
 * descriptor names, decoded to floats on demand ({@link dev.jquant.runtime.quant.QuantizedTensor}), for
 * operators that either run on the codes directly or need the float values.
 */
package dev.jquant.runtime.quant;
