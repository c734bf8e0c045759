package dev.jquant.compressor.quantize;

/**
 * What an initializer is to the nodes that read it, which decides the axis its scales run along: the
 * output channels get one scale each (int8) and the groups of 4-bit codes run along the reduction axis.
 */
enum WeightRole {
    /** MatMul's B, {@code [K, N]}: channels along axis 1, reduction along axis 0. */
    MATMUL_B(1, 0),
    /** Gemm's B with {@code transB=0}, {@code [K, N]}. */
    GEMM_B(1, 0),
    /** Gemm's B with {@code transB=1}, {@code [N, K]}. */
    GEMM_B_TRANSPOSED(0, 1),
    /** Conv's W, {@code [M, C/group, kH, kW]}: output channels along axis 0. */
    CONV_WEIGHT(0, 1),
    /** Gather's data along axis 0, an embedding table {@code [vocab, hidden]}: one scale per row. */
    EMBEDDING(0, 1);

    private final int channelAxis;
    private final int reductionAxis;

    WeightRole(int channelAxis, int reductionAxis) {
        this.channelAxis = channelAxis;
        this.reductionAxis = reductionAxis;
    }

    int channelAxis() {
        return channelAxis;
    }

    int reductionAxis() {
        return reductionAxis;
    }
}
