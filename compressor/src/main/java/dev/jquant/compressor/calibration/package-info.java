/**
 * Calibration for static activation quantization: run the float graph over sample inputs
 * ({@link dev.jquant.compressor.calibration.NpySamples .npy files} or
 * {@link dev.jquant.compressor.calibration.TextSamples sentences}), watch chosen values with a
 * {@link dev.jquant.compressor.calibration.RangeObserver} each, and turn what they saw into a clipping
 * range and QuantizeLinear parameters ({@link dev.jquant.compressor.calibration.Calibrator}). Four
 * methods: min-max, percentile, MSE-optimal and entropy (KL divergence).
 *
 * <p>Memory is bounded by design: observers keep fixed-size summaries (the histogram methods one
 * histogram of a fixed bin count per value, grown by merging bins, never by keeping values), sources load
 * one sample at a time, and each run's outputs are dropped once observed.
 */
package dev.jquant.compressor.calibration;
