/**
 * The oneDNN backend: fp32 MatMul, Gemm and Conv, pooling, softmax, layer normalization, GELU and jquant's
 * fused attention (three primitives, see {@link dev.jquant.nativebindings.onednn.OneDnnAttention}) on oneDNN 3.x
 * primitives, ONNX's integer operators (ConvInteger, QLinearConv, MatMulInteger, QLinearMatMul) on its int8
 * primitives, every other node left to the Java backend with the reason in the plan.
 *
 * <p><b>Quantized weights.</b> A MatMul by int8 weights (symmetric, one scale per output column or per
 * tensor) runs on oneDNN's uint8×int8 matmul: A is quantized in Java exactly as the Java backend's kernels
 * quantize it, oneDNN sums exactly in int32, and {@link dev.jquant.nativebindings.onednn.IntegerProduct}
 * scales back, so the result equals the Java backend's. Exact only where the CPU has VNNI (or AMX): plain
 * AVX2 adds pairs of byte products in saturating int16, so there only weights with codes within ±64 go to
 * oneDNN. Every other node reading a quantized weight is run by its Java operator on the quantized kernels,
 * decided in prepare (where the weight is known) rather than in {@code whyUnsupported} (which sees only the
 * node); the plan then shows the node on {@code java} with the reason as a fallback.
 *
 * <p><b>ONNX's integer operators.</b> Their weights must be constant (packed once) and, after their zero points
 * are subtracted, int8 within the same ±64 where the CPU lacks VNNI; activations go in as uint8 (an int8 one is
 * shifted by 128, its zero point alike). oneDNN applies the zero points, the scales (per tensor or per output
 * channel), the bias and the requantization itself; requantized outputs may differ from the Java backend's by
 * one step where a value lies within float rounding of a half. Its int8 convolutions read channels-last
 * activations only, so oneDNN reorders x in and y out around the primitive.
 *
 * <p><b>Natives.</b> The JavaCPP presets {@code org.bytedeco:dnnl} (and the {@code org.bytedeco:opencl}
 * presets they inherit) load their JNI libraries from the platform jars on the class path (classifier
 * {@code linux-x86_64} here), extracted into {@code ~/.javacpp/cache}. Loading happens on the first
 * probe, inside a catch-all: a missing jar, another platform or a failed extraction make the probe
 * report the exact reason and the backend unavailable, never an error.
 *
 * <p><b>Threads.</b> This oneDNN build runs its primitives on OpenMP (the bundled libgomp). OpenMP's
 * thread count is a per-calling-thread setting, so before a primitive is created or run the operator
 * sets it to the session's thread count ({@code omp_set_num_threads}, called through the FFM API); each
 * session thread gets its own OpenMP team of that size. Primitives must be created for the count they
 * run with (some implementations fix their partitioning when created), so a plan's primitives are built
 * for one thread in {@code prepare} and rebuilt once, on the first run, for a multi-threaded session; a
 * primitive whose work is too small to pay for waking the other threads keeps one
 * ({@link dev.jquant.nativebindings.onednn.WorkEstimate}).
 * Unless the environment sets {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT}, the probe sets
 * {@code OMP_WAIT_POLICY=PASSIVE} before libgomp loads: workers then sleep between primitives instead of
 * spinning on the cores the session's Java operators run on next.
 *
 * <p><b>Memory and lifetime.</b> Activations are the runtime's own arena memory, handed to oneDNN by
 * address on every run (no copies). Constant weights are reordered once per session into the layout a
 * primitive prefers and shared by all plans that want the same layout. A plan's primitives and memory
 * objects are destroyed when the plan is dropped ({@link dev.jquant.runtime.ops.Operator#close()}, e.g. on
 * eviction from the session's plan cache); the packed weights and the scratchpad belong to the session's
 * backend and go with {@link dev.jquant.runtime.spi.Backend#close()}, which the session calls when it
 * closes.
 */
package dev.jquant.nativebindings.onednn;
