package dev.jquant.compressor.calibration;

/**
 * What calibration found for one value of the graph.
 *
 * @param name the value's name in the graph
 * @param observed the smallest and largest finite values it took over the samples
 * @param clip the range the method chose to quantize it over
 * @param quantization the QuantizeLinear parameters for {@code clip}
 */
public record CalibratedValue(String name, Range observed, Range clip, ActivationQuantization quantization) {
}
