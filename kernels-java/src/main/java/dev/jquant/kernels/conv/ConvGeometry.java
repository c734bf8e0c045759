package dev.jquant.kernels.conv;

import java.util.Objects;

/**
 * Batch, channels, groups and spatial {@link Window} of one convolution. For a convolution the window
 * runs from the input (X, {@code inChannels}) to the output (Y, {@code outChannels}) and the weight is
 * {@code [outChannels, inChannels/groups, kernel...]}; for a transposed convolution the window's input is
 * X as well, its output Y, and the weight is {@code [inChannels, outChannels/groups, kernel...]}.
 */
public record ConvGeometry(int batch, int inChannels, int outChannels, int groups, Window window) {

    public ConvGeometry {
        Objects.requireNonNull(window, "window");
        if (batch < 0 || inChannels < 0 || outChannels < 0) {
            throw new IllegalArgumentException("batch and channel counts must be >= 0, were batch=" + batch
                    + " inChannels=" + inChannels + " outChannels=" + outChannels);
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups (" + groups + ") must be >= 1 and divide both inChannels ("
                    + inChannels + ") and outChannels (" + outChannels + ")");
        }
    }

    public int inChannelsPerGroup() {
        return inChannels / groups;
    }

    public int outChannelsPerGroup() {
        return outChannels / groups;
    }
}
