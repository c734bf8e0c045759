/**
 * Weight quantization: which initializers of a float graph are weights and how each is stored —
 * int8 per output channel, 4-bit in groups along the reduction axis, or fp16/bf16 — written as
 * {@code .jqm} quantization descriptors so the graph itself stays the float graph.
 */
package dev.jquant.compressor.quantize;
