/**
 * The {@code .jqm} file format, specified in {@code docs/format.md}: {@link dev.jquant.runtime.format.JqmReader}
 * maps a file read-only and returns a {@link dev.jquant.runtime.format.JqmFile} whose graph's tensors are
 * zero-copy views of the mapping. The reader treats every file as hostile: each offset, length, count,
 * shape, dtype, string and index is checked before use, and any violation is a
 * {@link dev.jquant.runtime.format.ModelFormatException} naming the file, byte offset and field. The
 * writer lives in the compressor; both share the numbers in {@link dev.jquant.runtime.format.JqmFormat}.
 */
package dev.jquant.runtime.format;
