package dev.jquant.kernels.qgemm;

/** Argument checks shared by the {@link QuantizedGemm} implementations. */
final class GemmArguments {

    private GemmArguments() {
    }

    /** Checks that {@code a}, weights of {@code k×n} and {@code out} fit together. */
    static void check(QuantizedActivations a, int k, int n, GemmOutput out) {
        if (a.columns() != k) {
            throw new IllegalArgumentException("activations have " + a.columns() + " columns but the weights have K="
                    + k + " rows");
        }
        if (out.rowStride() < n) {
            throw new IllegalArgumentException("output row stride must be at least N=" + n + ", was " + out.rowStride());
        }
        int m = a.rows();
        long needed = m == 0 ? 0 : ((long) (m - 1) * out.rowStride() + n) * out.elementBytes();
        if (out.data().byteSize() < needed) {
            throw new IllegalArgumentException("output of " + m + "×" + n + " with row stride " + out.rowStride()
                    + " needs " + needed + " bytes, the segment has " + out.data().byteSize());
        }
        float[] bias = switch (out) {
            case GemmOutput.Int32 i -> null;
            case GemmOutput.Float32 f -> f.bias();
            case GemmOutput.Requantized r -> r.bias();
        };
        if (bias != null && bias.length != n) {
            throw new IllegalArgumentException("expected one bias per output column (" + n + "), got " + bias.length);
        }
    }
}
