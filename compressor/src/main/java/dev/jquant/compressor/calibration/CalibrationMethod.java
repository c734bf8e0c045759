package dev.jquant.compressor.calibration;

/** How a calibration run turns the values it observed into a clipping range. */
public enum CalibrationMethod {
    /** The extremes seen: nothing clipped ({@link MinMaxObserver}). */
    MINMAX,
    /** A percentile of the values, e.g. 99.99 ({@link PercentileObserver}). */
    PERCENTILE,
    /** The range with the least expected squared quantization error ({@link MseObserver}). */
    MSE,
    /** The threshold with the least KL divergence, as TensorRT ({@link EntropyObserver}). */
    ENTROPY
}
