package dev.jquant.compressor;

/** How the inputs of quantized MatMul/Gemm layers are quantized at run time. */
public enum ActivationMode {
    /** Each row's own range, measured as it runs: no calibration needed, robust to outliers. */
    DYNAMIC,
    /** One calibrated range per input, fixed in the model: saves measuring each row, needs sample inputs. */
    STATIC
}
