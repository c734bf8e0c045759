/**
 * Graph rewrites applied after import and before compression, each a {@link dev.jquant.compressor.passes.GraphPass}
 * with one job (fold constants, fold batch normalization into convolutions, drop identities and dead nodes).
 * Every pass keeps the graph's input and output names and its results, up to float rounding.
 */
package dev.jquant.compressor.passes;
