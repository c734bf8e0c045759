package dev.jquant.bench.kernels;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Output elements produced by a benchmark, for kernels whose cost is not a count of multiply-adds
 * (erf and exp are polynomial evaluations whose length is an implementation detail). JMH reports
 * {@code ·elements} as a rate: with {@code @OutputTimeUnit(SECONDS)}, divide its score by 10⁹ for
 * G elements/s.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class ElementCounter {

    /** Read by JMH by reflection; public by JMH's contract. */
    public long elements;

    @Setup(Level.Iteration)
    public void reset() {
        elements = 0;
    }
}
