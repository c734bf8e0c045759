package dev.jquant.runtime.ops;

import java.util.List;

/**
 * Where Resize samples its input along one axis: output coordinate to input coordinate, per ONNX
 * {@code coordinate_transformation_mode}.
 *
 * @param outLength the output's length along the axis
 * @param outWidth the unrounded output length, {@code inLength * scale}, which align_corners,
 *        half_pixel_symmetric and tf_crop_and_resize use as the ONNX reference (and so the ONNX node tests) does
 * @param scale output length over input length for this axis (the given scale, or the one implied by sizes)
 * @param roiStart only used by {@code tf_crop_and_resize}: the crop window, as fractions of the axis
 */
record ResizeCoordinates(String mode, long inLength, long outLength, double outWidth, double scale,
        double roiStart, double roiEnd) {

    static final List<String> MODES = List.of("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
            "align_corners", "asymmetric", "tf_half_pixel_for_nn", "tf_crop_and_resize");

    static final String CROP = "tf_crop_and_resize";

    /** The input coordinate that output index {@code x} samples; may lie outside {@code [0, inLength - 1]}. */
    double original(long x) {
        return switch (mode) {
            case "half_pixel" -> (x + 0.5) / scale - 0.5;
            case "half_pixel_symmetric" -> {
                double adjustment = outLength / outWidth;
                double offset = inLength / 2.0 * (1 - adjustment);
                yield offset + (x + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel" -> outLength > 1 ? (x + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> outWidth == 1 ? 0 : x * (double) (inLength - 1) / (outWidth - 1);
            case "asymmetric" -> x / scale;
            case "tf_half_pixel_for_nn" -> (x + 0.5) / scale;
            case CROP -> outWidth == 1
                    ? 0.5 * (roiStart + roiEnd) * (inLength - 1)
                    : roiStart * (inLength - 1) + x * (roiEnd - roiStart) * (inLength - 1) / (outWidth - 1);
            default -> throw new IllegalArgumentException("coordinate_transformation_mode '" + mode
                    + "' is not supported; valid: " + MODES);
        };
    }

    /** True where tf_crop_and_resize samples outside the input: those outputs take the extrapolation value. */
    boolean outside(double original) {
        return mode.equals(CROP) && (original < 0 || original > inLength - 1);
    }
}
