package dev.jquant.runtime.ops;

/**
 * Resize's interpolation kernels. A sample point {@code x} in the input has a left neighbour
 * {@code L = ceil(x) - 1} and {@code ratio = x - L} in (0, 1]; the taps are inputs {@code L + firstTap(..)}
 * onwards, with the weights below (the formulas of the ONNX reference). With antialias (opset 18) and a
 * scale below 1 the kernel is stretched by 1/scale, so more taps contribute and the weights are normalized.
 */
enum ResizeFilter {
    LINEAR {
        @Override
        int firstTap(double scale, boolean antialias) {
            return antialias ? (int) Math.floor(-1 / Math.min(scale, 1)) + 1 : 0;
        }

        @Override
        double[] weights(double ratio, double scale, boolean antialias, double cubicA) {
            if (!antialias) {
                return new double[] {1 - ratio, ratio};
            }
            double s = Math.min(scale, 1);
            int start = firstTap(scale, true);
            double[] w = new double[taps(scale, true)];
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.clamp(1 - Math.abs((start + i - ratio) * s), 0, 1);
            }
            return normalized(w);
        }
    },
    CUBIC {
        @Override
        int firstTap(double scale, boolean antialias) {
            return antialias ? (int) Math.floor(-2 / Math.min(scale, 1)) + 1 : -1;
        }

        @Override
        double[] weights(double ratio, double scale, boolean antialias, double a) {
            if (!antialias) {
                double r1 = ratio + 1;
                double q = 1 - ratio;
                double q1 = q + 1;
                return new double[] {
                    ((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
                    ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
                    ((a + 2) * q - (a + 3)) * q * q + 1,
                    ((a * q1 - 5 * a) * q1 + 8 * a) * q1 - 4 * a,
                };
            }
            double s = Math.min(scale, 1);
            int start = firstTap(scale, true);
            double[] w = new double[taps(scale, true)];
            for (int i = 0; i < w.length; i++) {
                w[i] = keys(Math.abs(s * (start + i - ratio)), a);
            }
            return normalized(w);
        }

        /** Keys' cubic convolution kernel with parameter {@code a}, at distance {@code x >= 0}. */
        private static double keys(double x, double a) {
            if (x <= 1) {
                return ((a + 2) * x - (a + 3)) * x * x + 1;
            }
            return x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a : 0;
        }
    };

    /** Offset of the first tap from the left neighbour. */
    abstract int firstTap(double scale, boolean antialias);

    /** Number of taps: symmetric about the sample point, so twice the distance back to the first. */
    int taps(double scale, boolean antialias) {
        return 2 - 2 * firstTap(scale, antialias);
    }

    /** One weight per tap. */
    abstract double[] weights(double ratio, double scale, boolean antialias, double cubicA);

    static double[] normalized(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        for (int i = 0; i < w.length; i++) {
            w[i] /= sum;
        }
        return w;
    }
}
