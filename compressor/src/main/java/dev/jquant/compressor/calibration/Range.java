package dev.jquant.compressor.calibration;

/**
 * A closed interval of real values: the extremes a tensor was seen to take, or the clipping range a
 * calibration method chose for it.
 */
public record Range(float min, float max) {

    public Range {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("a range needs finite min <= max, was [" + min + ", " + max + "]");
        }
    }

    public float width() {
        return max - min;
    }

    @Override
    public String toString() {
        return "[" + min + ", " + max + "]";
    }
}
