/**
 * Graph rewrites applied after import and before compression, each a {@link dev.jquant.compressor.passes.GraphPass}
 * with one job (fold constants, fold batch normalization into convolutions, fuse spelled-out layer
 * normalizations and GELUs into one node each, drop identities and dead nodes), and, after quantization, the
 * fusion of bias and activation into the quantized MatMuls before them.
 * Every pass keeps the graph's input and output names and its results, up to float rounding.
 */
package dev.jquant.compressor.passes;
