package dev.jquant.bench.kernels;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Floating-point operations done by a benchmark, which adds each invocation's count to {@link #flops}.
 * JMH divides the field by the measured time like a throughput, so with {@code @OutputTimeUnit(SECONDS)}
 * the secondary result {@code ·flops} is FLOP/s: divide its score by 10⁹ for GFLOP/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {

    /** Read by JMH by reflection; public by JMH's contract. */
    public long flops;

    @Setup(Level.Iteration)
    public void reset() {
        flops = 0;
    }
}
