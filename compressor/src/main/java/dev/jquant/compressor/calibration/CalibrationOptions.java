package dev.jquant.compressor.calibration;

import dev.jquant.runtime.SessionOptions;

/**
 * Immutable calibration settings, built with {@link #builder()}.
 *
 * @param method how ranges are chosen
 * @param scheme the integer grid activations will be stored on (bits, symmetric or affine)
 * @param percentile for {@link CalibrationMethod#PERCENTILE}: in (50, 100]
 * @param bins histogram bins per observed value for the histogram methods (even; memory is 8 bytes per bin)
 * @param session how the calibration runs execute (threads, backend)
 */
public record CalibrationOptions(CalibrationMethod method, ActivationScheme scheme, double percentile, int bins,
        SessionOptions session) {

    public static final double DEFAULT_PERCENTILE = 99.99;
    public static final int DEFAULT_BINS = 2048;

    public CalibrationOptions {
        if (method == null || scheme == null || session == null) {
            throw new IllegalArgumentException("method, scheme and session must be given");
        }
        newObserver(method, scheme, percentile, bins); // validates the combination, naming what is wrong
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A fresh observer for one value, as these options describe it. */
    public RangeObserver newObserver() {
        return newObserver(method, scheme, percentile, bins);
    }

    private static RangeObserver newObserver(CalibrationMethod method, ActivationScheme scheme, double percentile,
            int bins) {
        return switch (method) {
            case MINMAX -> new MinMaxObserver();
            case PERCENTILE -> new PercentileObserver(percentile, scheme.symmetric(), bins);
            case MSE -> new MseObserver(scheme, bins);
            case ENTROPY -> new EntropyObserver(scheme, bins);
        };
    }

    public static final class Builder {
        private CalibrationMethod method = CalibrationMethod.MINMAX;
        private ActivationScheme scheme = ActivationScheme.UINT8;
        private double percentile = DEFAULT_PERCENTILE;
        private int bins = DEFAULT_BINS;
        private SessionOptions session = SessionOptions.defaults();

        private Builder() {
        }

        public Builder method(CalibrationMethod method) {
            this.method = method;
            return this;
        }

        public Builder scheme(ActivationScheme scheme) {
            this.scheme = scheme;
            return this;
        }

        public Builder percentile(double percentile) {
            this.percentile = percentile;
            return this;
        }

        public Builder bins(int bins) {
            this.bins = bins;
            return this;
        }

        public Builder session(SessionOptions session) {
            this.session = session;
            return this;
        }

        public CalibrationOptions build() {
            return new CalibrationOptions(method, scheme, percentile, bins, session);
        }
    }
}
