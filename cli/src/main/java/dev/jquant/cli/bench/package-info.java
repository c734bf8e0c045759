/**
 * {@code jquant bench}: end-to-end latency of a {@code .jqm} model on each jquant backend next to ONNX Runtime
 * Java on the source model, in one process. Engines ({@link dev.jquant.cli.bench.Engine}) hold a session and
 * inputs converted ahead of time, so only inference is timed; runs of all engines are interleaved round by round;
 * statistics are summarized by {@link dev.jquant.cli.bench.LatencyStats}, whose spread decides the noise warning;
 * the same {@link dev.jquant.cli.bench.BenchResult} feeds the terminal table, the JSON file and the SVG chart.
 * Tests assert structure, never timings.
 */
package dev.jquant.cli.bench;
