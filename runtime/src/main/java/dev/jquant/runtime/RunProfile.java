package dev.jquant.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of a model's runs went, from {@link Session#profile}: the time of every executed node
 * summed over {@code runs} runs, and the wall time of those runs. The nodes' times add up to a little less
 * than the wall time; the rest is copying the inputs in and the timing itself.
 *
 * @param runs how many runs the times are summed over
 * @param wallNanos the wall time of all the runs together
 * @param nodes one entry per executed node, in execution order (nodes evaluated while planning do not run)
 */
public record RunProfile(int runs, long wallNanos, List<NodeTime> nodes) {

    public RunProfile {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, was " + runs);
        }
        nodes = List.copyOf(nodes);
    }

    /**
     * One executed node and its time.
     *
     * @param step its position in the plan, as {@link Session#describePlan} numbers it
     * @param opType the op type, prefixed with its domain outside the ONNX default one ({@code dev.jquant:FusedMatMul})
     * @param backend the backend that ran it
     * @param nanos its time summed over all the runs
     */
    public record NodeTime(int step, String name, String opType, String backend, long nanos) {
    }

    /** The nodes of one op type together. */
    public record OpTypeTime(String opType, int nodes, long nanos) {
    }

    /** The nodes' time summed over all runs. */
    public long nodeNanos() {
        return nodes.stream().mapToLong(NodeTime::nanos).sum();
    }

    /** Time per op type, the slowest first. */
    public List<OpTypeTime> byOpType() {
        Map<String, long[]> sums = new LinkedHashMap<>();
        for (NodeTime n : nodes) {
            long[] s = sums.computeIfAbsent(n.opType(), k -> new long[2]);
            s[0]++;
            s[1] += n.nanos();
        }
        List<OpTypeTime> out = new ArrayList<>();
        sums.forEach((op, s) -> out.add(new OpTypeTime(op, (int) s[0], s[1])));
        out.sort(Comparator.comparingLong(OpTypeTime::nanos).reversed());
        return out;
    }

    /** The {@code count} slowest nodes, the slowest first. */
    public List<NodeTime> slowest(int count) {
        return nodes.stream().sorted(Comparator.comparingLong(NodeTime::nanos).reversed()).limit(count).toList();
    }

    /**
     * A table of the {@code opTypes} slowest op types, then the {@code slowestNodes} slowest nodes, each in
     * milliseconds per run and as a share of the nodes' time.
     */
    public String format(int opTypes, int slowestNodes) {
        long total = Math.max(1, nodeNanos());
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d runs: %.2f ms per run, of which the nodes %.2f ms (%.1f%%)%n", runs,
                wallNanos / 1e6 / runs, nodeNanos() / 1e6 / runs, 100.0 * nodeNanos() / Math.max(1, wallNanos)));
        sb.append(String.format(Locale.ROOT, "%-28s %6s %9s %6s%n", "op type", "nodes", "ms/run", "%"));
        for (OpTypeTime t : byOpType().stream().limit(opTypes).toList()) {
            sb.append(String.format(Locale.ROOT, "%-28s %6d %9.3f %6.1f%n", t.opType(), t.nodes(), t.nanos() / 1e6 / runs,
                    100.0 * t.nanos() / total));
        }
        sb.append(String.format(Locale.ROOT, "%n%5s  %-40s %-24s %-8s %9s %6s%n", "step", "node", "op type", "backend",
                "ms/run", "%"));
        for (NodeTime n : slowest(slowestNodes)) {
            sb.append(String.format(Locale.ROOT, "%5d  %-40s %-24s %-8s %9.3f %6.1f%n", n.step(), n.name(),
                    n.opType(), n.backend(), n.nanos() / 1e6 / runs, 100.0 * n.nanos() / total));
        }
        return sb.toString();
    }
}
