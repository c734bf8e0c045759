package dev.jquant.compressor.calibration;

import dev.jquant.runtime.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;

/** Synthetic activations with known distributions, and helpers to feed them to observers. */
final class TestData {

    private TestData() {
    }

    static MemorySegment segment(float... values) {
        return Tensor.ofFloats(values, values.length).data();
    }

    static void observe(RangeObserver observer, float... values) {
        observer.observe(segment(values), values.length);
    }

    /** Feeds {@code values} in chunks of {@code chunk} values. */
    static void observeInChunks(RangeObserver observer, float[] values, int chunk) {
        for (int from = 0; from < values.length; from += chunk) {
            observe(observer, Arrays.copyOfRange(values, from, Math.min(values.length, from + chunk)));
        }
    }

    static float[] gaussian(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** Laplace(0, 1): exponential tails, much longer than a Gaussian's. */
    static float[] laplace(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double u = random.nextDouble() - 0.5;
            v[i] = (float) (-Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
        }
        return v;
    }

    /** exp(N(0, 1)): positive, with a tail far longer than its body (the 99.9th percentile is 22, the mean 1.6). */
    static float[] lognormal(int n, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.exp(random.nextGaussian());
        }
        return v;
    }

    static float[] uniform(int n, float lo, float hi, long seed) {
        Random random = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * random.nextFloat();
        }
        return v;
    }

    /** {@code n} evenly spaced values from {@code lo} to {@code hi}, both included. */
    static float[] ramp(int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - (double) lo) * i / (n - 1));
        }
        return v;
    }

    /** The mean squared error of quantizing {@code values} with {@code q} and back. */
    static double quantizationMse(float[] values, ActivationQuantization q) {
        double sum = 0;
        for (float v : values) {
            double e = v - q.dequantize(q.quantize(v));
            sum += e * e;
        }
        return sum / values.length;
    }
}
