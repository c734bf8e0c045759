/**
 * Writes {@code .jqm} files (specified in {@code docs/format.md}; read by
 * {@link dev.jquant.runtime.format.JqmReader}). {@link dev.jquant.compressor.format.JqmWriter} encodes a
 * graph's metadata, nodes and tensor directory, places every tensor on a 64-byte boundary of the file,
 * records a CRC32C per section, optionally signs with Ed25519, and replaces the target file atomically so
 * that a reader never sees a half-written model.
 */
package dev.jquant.compressor.format;
