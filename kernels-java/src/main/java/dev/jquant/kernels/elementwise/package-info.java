/**
 * Float32 elementwise kernels: unary math (activations, exp, erf, ...), binary arithmetic over
 * contiguous or scalar-broadcast rows, and the row reductions that Softmax and LayerNormalization
 * are built from. {@link dev.jquant.kernels.elementwise.FloatElementwise} is the family;
 * {@link dev.jquant.kernels.elementwise.ScalarElementwise} is the reference and
 * {@link dev.jquant.kernels.elementwise.VectorElementwise} the Vector API implementation, which
 * {@link dev.jquant.kernels.elementwise.ElementwiseKernels} chooses once per JVM.
 *
 * <p>Positions are element indices into {@link java.lang.foreign.MemorySegment}s read as
 * little-endian floats. An output may be the same memory as an input at the same index (in place),
 * never a shifted overlap.
 */
package dev.jquant.kernels.elementwise;
