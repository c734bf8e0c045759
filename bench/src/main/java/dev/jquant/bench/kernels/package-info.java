/**
 * JMH benchmarks of the kernel families, one {@code <Family>Benchmark} per family, over the shapes
 * real models use (all-MiniLM-L6-v2's GEMMs, a MobileNet-style CNN's convolutions, the transformer's
 * elementwise hot spots). Each is parameterized by the implementation ({@code impl}, an enum of the
 * implementations that exist) and by the intra-op threads ({@code threads}), and reports its work rate
 * through an {@link org.openjdk.jmh.annotations.AuxCounters} state: {@link dev.jquant.bench.kernels.FlopCounter}
 * (floating-point operations) or {@link dev.jquant.bench.kernels.ElementCounter} (elements).
 *
 * <p>Build and run (the forked JVMs add {@code jdk.incubator.vector} themselves):
 * <pre>
 * mvn -pl bench -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GemmBenchmark -prof gc
 * </pre>
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is the heap allocated per operation in bytes.
 */
package dev.jquant.bench.kernels;
