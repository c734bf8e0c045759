package dev.jquant.runtime.quant;

/**
 * The node attributes that give a MatMul or Gemm with a quantized weight calibrated uint8 parameters for
 * its input A (static activation quantization): {@code A_q = saturate(rint(A / scale) + zeroPoint)}.
 * Without them the input is quantized dynamically, row by row.
 */
public final class StaticInputAttributes {

    /** FLOAT: the input's scale, positive and finite. */
    public static final String SCALE = "jquant_input_scale";
    /** INT: the input's zero point, 0..255. */
    public static final String ZERO_POINT = "jquant_input_zero_point";

    private StaticInputAttributes() {
    }
}
