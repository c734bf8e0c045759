package dev.jquant.compressor.quantize;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.QuantizationDescriptor;

/**
 * A weight's stored form: its codes (which keep the weight's name), the scale and zero-point tensors the
 * descriptor names, and the descriptor.
 *
 * @param zeroPoint null when symmetric
 */
record QuantizedWeight(Tensor codes, Tensor scale, Tensor zeroPoint, QuantizationDescriptor descriptor) {

    /** Bytes stored: codes, scales and zero points. */
    long storedBytes() {
        return codes.byteSize() + scale.byteSize() + (zeroPoint == null ? 0 : zeroPoint.byteSize());
    }
}
