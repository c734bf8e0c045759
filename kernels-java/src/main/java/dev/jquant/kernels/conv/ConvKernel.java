package dev.jquant.kernels.conv;

/**
 * A convolution implementation. Planning happens once per geometry (while a model's plan is built) and
 * returns a {@link Convolution} that runs many times without allocating.
 */
public interface ConvKernel {

    /** A convolution: weight {@code [outChannels, inChannels/groups, kernel...]}. */
    Convolution forward(ConvGeometry geometry);

    /** A transposed convolution: weight {@code [inChannels, outChannels/groups, kernel...]}. */
    Convolution transposed(ConvGeometry geometry);

    /** A short name for diagnostics. */
    String name();
}
