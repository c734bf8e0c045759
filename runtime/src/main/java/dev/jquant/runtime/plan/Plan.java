package dev.jquant.runtime.plan;

import dev.jquant.runtime.InferenceException;
import dev.jquant.runtime.RunProfile;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything needed to run a model for one input-shape signature: the steps with their operators
 * prepared and their tensors bound into one arena. Running allocates nothing but what the caller asks
 * for (result tensors, unless it passes its own).
 */
public final class Plan implements AutoCloseable {
    private final Step[] steps;
    private final Value[] inputs;
    private final Value[] outputs;
    private final Arena arena;
    private final long arenaBytes;
    private final int foldedNodes;

    Plan(Step[] steps, Value[] inputs, Value[] outputs, Arena arena, long arenaBytes, int foldedNodes) {
        this.steps = steps;
        this.inputs = inputs;
        this.outputs = outputs;
        this.arena = arena;
        this.arenaBytes = arenaBytes;
        this.foldedNodes = foldedNodes;
    }

    /** True when this plan was built for exactly these input shapes (and values, for value-keyed inputs). */
    public boolean matches(Tensor[] runInputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (!runInputs[i].hasShape(inputs[i].shape)) {
                return false;
            }
            Tensor planned = inputs[i].constant; // graph inputs are never quantized
            if (planned != null && planned.data().mismatch(runInputs[i].data()) != -1) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the steps and copies each graph output into {@code into[i]} (caller-owned, right shape and
     * type); outputs whose {@code into[i]} is null are not copied.
     */
    public void run(Tensor[] runInputs, Tensor[] into) {
        run(runInputs, into, null);
    }

    /**
     * {@link #run(Tensor[], Tensor[])}, adding each step's elapsed nanoseconds to {@code stepNanos[step]}
     * when {@code stepNanos} is not null (one entry per step).
     */
    public void run(Tensor[] runInputs, Tensor[] into, long[] stepNanos) {
        for (int i = 0; i < inputs.length; i++) {
            Value v = inputs[i];
            if (v.bound != null) {
                MemorySegment.copy(runInputs[i].data(), 0, v.bound.data(), 0, v.bound.byteSize());
            }
        }
        if (stepNanos == null) {
            for (Step s : steps) {
                execute(s);
            }
        } else {
            for (int i = 0; i < steps.length; i++) {
                long start = System.nanoTime();
                execute(steps[i]);
                stepNanos[i] += System.nanoTime() - start;
            }
        }
        for (int i = 0; i < outputs.length; i++) {
            if (into[i] == null) {
                continue;
            }
            Tensor src = outputTensor(i, runInputs);
            MemorySegment.copy(src.data(), 0, into[i].data(), 0, src.byteSize());
        }
    }

    private static void execute(Step s) {
        try {
            s.operator.execute(s);
        } catch (RuntimeException e) {
            throw new InferenceException(Planner.describe(s.node, s.backend) + " failed: " + e.getMessage(), e);
        }
    }

    /** The profile of {@code runs} runs that took {@code wallNanos} and {@code stepNanos} per step (see {@link #run}). */
    public RunProfile profile(int runs, long wallNanos, long[] stepNanos) {
        List<RunProfile.NodeTime> nodes = new ArrayList<>(steps.length);
        for (int i = 0; i < steps.length; i++) {
            Node n = steps[i].node;
            String op = n.domain().isEmpty() || n.domain().equals("ai.onnx") ? n.opType() : n.domain() + ":" + n.opType();
            nodes.add(new RunProfile.NodeTime(i, n.name(), op, steps[i].backend, stepNanos[i]));
        }
        return new RunProfile(runs, wallNanos, nodes);
    }

    private Tensor outputTensor(int i, Tensor[] runInputs) {
        Tensor t = outputs[i].tensor();
        if (t == null) {
            // A graph output that is also a graph input and feeds nothing else.
            for (int k = 0; k < inputs.length; k++) {
                if (inputs[k] == outputs[i]) {
                    return runInputs[k];
                }
            }
        }
        return t;
    }

    /** True when {@code t} has the type and shape of graph output {@code i} under this plan. */
    public boolean fitsOutput(int i, Tensor t) {
        return t.dtype() == outputs[i].dtype && t.hasShape(outputs[i].shape);
    }

    /** Type and shape of graph output {@code i} under this plan, e.g. {@code FLOAT32[2, 7, 384]}. */
    public String describeOutput(int i) {
        return outputs[i].toString();
    }

    /** Type and shape of graph output {@code i} under this plan. */
    public Tensor allocateOutput(int i) {
        return Tensor.allocate(outputs[i].dtype, outputs[i].shape);
    }

    public long arenaBytes() {
        return arenaBytes;
    }

    public int stepCount() {
        return steps.length;
    }

    /** A readable listing: one line per executed node with its backend and output shapes, then totals. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        Map<String, Integer> byBackend = new TreeMap<>();
        for (int i = 0; i < steps.length; i++) {
            Step s = steps[i];
            byBackend.merge(s.backend, 1, Integer::sum);
            sb.append(String.format("%4d  %-20s %-8s %s", i, s.node.opType(), s.backend, s.node.name()));
            sb.append("  ->");
            for (Value v : s.outputValues) {
                if (v != null) {
                    sb.append(' ').append(v);
                }
            }
            if (s.fallbackReason != null) {
                sb.append("  [fallback: ").append(s.fallbackReason).append(']');
            }
            sb.append('\n');
        }
        sb.append(String.format("%d nodes run (%s), %d evaluated while planning, arena %,d bytes%n",
                steps.length, byBackend, foldedNodes, arenaBytes));
        return sb.toString();
    }

    @Override
    public void close() {
        for (Step s : steps) {
            s.operator.close();
        }
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
