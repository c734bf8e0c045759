package dev.jquant.compressor.calibration;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of a calibration run: for every observed value, in the order they were asked for, its
 * observed range, clipping range and quantization parameters.
 *
 * @param options the settings of the run
 * @param samples how many samples were run
 */
public record CalibrationResult(CalibrationOptions options, int samples, Map<String, CalibratedValue> values) {

    public CalibrationResult {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The result for value {@code name}; an {@link IllegalArgumentException} lists the calibrated values otherwise. */
    public CalibratedValue get(String name) {
        CalibratedValue v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("value '" + name + "' was not calibrated; calibrated: " + values.keySet());
        }
        return v;
    }
}
