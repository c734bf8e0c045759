/**
 * JMH benchmarks of whole operators as the runtime runs them: a one-node graph planned by a
 * {@link dev.jquant.runtime.Session} on each backend that {@link dev.jquant.runtime.Backends#probe()}
 * finds, so a native backend's operator is measured with its plan-time packing, dispatch and output copy,
 * beside the Java one on the same shapes.
 *
 * <p>Build and run (the forked JVMs add the Vector API and native access themselves):
 * <pre>
 * mvn -pl bench -am package -DskipTests
 * java -jar bench/target/benchmarks.jar BackendOperatorBenchmark -prof gc
 * </pre>
 */
package dev.jquant.bench.operators;
