/**
 * Array files exchanged with the Python world: {@link dev.jquant.compressor.io.Npy} reads and writes
 * NumPy's {@code .npy} format to and from runtime tensors. Files are treated as untrusted: the header is
 * parsed strictly and every length is checked against the file size before memory is allocated.
 */
package dev.jquant.compressor.io;
