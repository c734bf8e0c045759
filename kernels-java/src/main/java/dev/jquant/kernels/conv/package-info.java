/**
 * Sliding-window kernels over channel-first tensors ({@code [N, C, D1, ..., Dr]}, row-major, little-endian
 * float32): convolution and transposed convolution with groups, strides, dilations and pads, and max and
 * average pooling. A {@link dev.jquant.kernels.conv.Window} describes the spatial geometry, a
 * {@link dev.jquant.kernels.conv.ConvGeometry} adds batch, channels and groups.
 *
 * <p>{@link dev.jquant.kernels.conv.ScalarConv} computes every output as a plain sum and is the ground
 * truth; {@link dev.jquant.kernels.conv.GemmConv} lowers the work to matrix products (im2col / col2im
 * into caller-provided scratch memory) on a {@link dev.jquant.kernels.gemm.GemmKernel};
 * {@link dev.jquant.kernels.conv.ConvKernels} picks one per JVM.
 */
package dev.jquant.kernels.conv;
