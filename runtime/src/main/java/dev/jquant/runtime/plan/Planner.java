package dev.jquant.runtime.plan;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.InferenceException;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operator;
import dev.jquant.runtime.ops.Operators;
import dev.jquant.runtime.ops.PrepareContext;
import dev.jquant.runtime.quant.QuantizedTensor;
import dev.jquant.runtime.spi.Backend;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds a {@link Plan} for one input-shape signature: picks each node's backend (falling back to
 * Java node by node), prepares every operator with concrete shapes, evaluates what is already known
 * (shape arithmetic, small constant sub-graphs) once, and lays out the activation arena by liveness.
 */
public final class Planner {

    /** Nodes whose inputs are all known are evaluated while planning when their outputs are at most this big. */
    static final long FOLD_LIMIT_BYTES = 1 << 20;

    private Planner() {
    }

    /**
     * @param inputs the run's inputs in the order of {@code graph.inputs()}, already validated
     * @param valueInputs graph inputs whose values (not only shapes) this plan is built for; planning
     *        treats them as constants
     * @throws ValuesRequiredException when a shape depends on the values of other graph inputs
     */
    public static Plan plan(Graph graph, ModelConstants constants, Backend backend, Tensor[] inputs,
            BitSet valueInputs, Parallel parallel) {
        int opset = graph.opset();
        Map<String, Value> values = new HashMap<>();
        graph.initializers().forEach((name, t) -> {
            QuantizedTensor q = constants.quantized(name);
            values.put(name, q != null ? new Value(q, constants) : new Value(name, t.dtype(), t.shape(), t));
        });
        Value[] inputValues = new Value[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            ValueInfo info = graph.inputs().get(i);
            inputValues[i] = new Value(info.name(), inputs[i].dtype(), inputs[i].shape(),
                    valueInputs.get(i) ? inputs[i].copy() : null);
            inputValues[i].inputDependencies.set(i);
            values.put(info.name(), inputValues[i]);
        }

        List<Step> steps = new ArrayList<>();
        int folded = 0;
        for (Node node : graph.nodes()) {
            Value[] in = resolveInputs(node, values);
            String backendName = backend.name();
            String fallback = readsQuantizedWeight(in) && !backend.runsQuantizedWeights()
                    ? "reads a quantized weight: runs on the Java int8/int4 kernels"
                    : backend.whyUnsupported(node, opset);
            Operator op;
            try {
                if (fallback == null) {
                    op = backend.createOperator(node, opset);
                } else {
                    op = Operators.create(node, opset);
                    backendName = "java";
                }
            } catch (UnsupportedOperatorException e) {
                throw new InferenceException(e.getMessage(), e);
            }
            Preparation prep = new Preparation(node, opset, in, constants);
            try {
                op.prepare(prep);
            } catch (RuntimeException e) {
                if (prep.valuesNeeded != null) {
                    throw new ValuesRequiredException(prep.valuesNeeded, e.getMessage());
                }
                throw new InferenceException(describe(node, backendName) + " cannot run on inputs "
                        + describeInputs(in) + ": " + e.getMessage(), e);
            }
            if (fallback == null && op.delegatedToJava() != null) {
                fallback = op.delegatedToJava();
                backendName = "java";
            }
            Value[] out = prep.outputValues();
            for (Value v : out) {
                if (v != null) {
                    for (Value i : in) {
                        if (i != null) {
                            v.inputDependencies.or(i.inputDependencies);
                        }
                    }
                    values.put(v.name, v);
                }
            }
            if (prep.allOutputsConstant()) {
                folded++;
                continue;
            }
            Step step = new Step(node, op, backendName, fallback, in, out, prep.scratchBytes, prep.codesOnly());
            boolean fromWeightsOnly = allConstant(in) && noInputDependencies(in);
            if (fromWeightsOnly || allConstant(in) && outputBytes(out) <= FOLD_LIMIT_BYTES) {
                // Values made from weights alone are the same for every plan: fold them once per model.
                Value[] computed = fromWeightsOnly
                        ? constants.derived("folded\0" + String.join("\0", node.outputs()), () -> evaluateNow(step))
                        : evaluateNow(step);
                for (Value v : computed) {
                    if (v != null) {
                        values.put(v.name, v);
                    }
                }
                folded++;
                continue;
            }
            int index = steps.size();
            for (Value v : in) {
                if (v != null && !v.isConstant()) {
                    v.lastUse = index;
                }
            }
            for (Value v : out) {
                if (v != null) {
                    v.producer = index;
                }
            }
            steps.add(step);
        }

        Value[] outputValues = new Value[graph.outputs().size()];
        for (int i = 0; i < outputValues.length; i++) {
            String name = graph.outputs().get(i).name();
            Value v = values.get(name);
            if (v == null) {
                throw new InferenceException("graph output '" + name + "' is produced by no node");
            }
            v.lastUse = steps.size();
            outputValues[i] = v;
        }
        return layOut(steps, inputValues, outputValues, folded, parallel);
    }

    private static Value[] resolveInputs(Node node, Map<String, Value> values) {
        Value[] in = new Value[node.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            if (!node.hasInput(i)) {
                continue;
            }
            in[i] = values.get(node.input(i));
            if (in[i] == null) {
                throw new InferenceException(describe(node, null) + ": input '" + node.input(i)
                        + "' is not a graph input, an initializer or the output of an earlier node");
            }
        }
        return in;
    }

    private static Value[] evaluateNow(Step step) {
        long scratchBytes = step.scratchBytes;
        Value[] computed = new Value[step.outputValues.length];
        for (int i = 0; i < computed.length; i++) {
            Value v = step.outputValues[i];
            if (v != null) {
                computed[i] = v.constant != null ? v : new Value(v.name, v.dtype, v.shape, Tensor.allocate(v.dtype, v.shape));
                computed[i].inputDependencies.or(v.inputDependencies);
            }
        }
        Step once = new Step(step.node, step.operator, step.backend, null, step.inputValues, computed, scratchBytes,
                step.codesOnly);
        once.bind(scratchBytes == 0 ? MemorySegment.NULL : Arena.ofAuto().allocate(scratchBytes, 64), Parallel.SERIAL);
        try {
            step.operator.execute(once);
        } catch (RuntimeException e) {
            throw new InferenceException(describe(step.node, step.backend) + " failed while folding constants: "
                    + e.getMessage(), e);
        }
        return computed;
    }

    private static Plan layOut(List<Step> steps, Value[] inputValues, Value[] outputValues, int folded,
            Parallel parallel) {
        List<ArenaLayout.Request> requests = new ArrayList<>();
        List<Value> placedValues = new ArrayList<>();
        for (Value v : inputValues) {
            if (v.lastUse >= 0) {
                requests.add(new ArenaLayout.Request(v.bytes(), 0, v.lastUse));
                placedValues.add(v);
            }
        }
        for (Step s : steps) {
            for (Value v : s.outputValues) {
                if (v != null && v.constant == null) {
                    requests.add(new ArenaLayout.Request(v.bytes(), v.producer, Math.max(v.producer, v.lastUse)));
                    placedValues.add(v);
                }
            }
        }
        int firstScratch = requests.size();
        for (int i = 0; i < steps.size(); i++) {
            requests.add(new ArenaLayout.Request(steps.get(i).scratchBytes, i, i));
        }
        long[] offsets = ArenaLayout.assign(requests);
        long total = offsets[requests.size()];
        Arena arena = Arena.ofShared();
        MemorySegment memory = total == 0 ? MemorySegment.NULL : arena.allocate(total, ArenaLayout.ALIGNMENT);
        for (int i = 0; i < placedValues.size(); i++) {
            Value v = placedValues.get(i);
            v.bound = Tensor.of(v.dtype, v.shape, memory.asSlice(offsets[i], v.bytes()));
        }
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            MemorySegment scratch = s.scratchBytes == 0 ? MemorySegment.NULL
                    : memory.asSlice(offsets[firstScratch + i], s.scratchBytes);
            s.bind(scratch, parallel);
        }
        return new Plan(steps.toArray(Step[]::new), inputValues, outputValues, arena, total, folded);
    }

    private static boolean allConstant(Value[] in) {
        for (Value v : in) {
            if (v != null && !v.isConstant()) {
                return false;
            }
        }
        return true;
    }

    private static boolean readsQuantizedWeight(Value[] in) {
        for (Value v : in) {
            if (v != null && v.quantized != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean noInputDependencies(Value[] in) {
        for (Value v : in) {
            if (v != null && !v.inputDependencies.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static long outputBytes(Value[] out) {
        long sum = 0;
        for (Value v : out) {
            if (v != null) {
                sum += v.bytes();
            }
        }
        return sum;
    }

    static String describe(Node node, String backend) {
        return node.opType() + " node '" + node.name() + "'" + (backend == null ? "" : " (backend " + backend + ")");
    }

    private static String describeInputs(Value[] in) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < in.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(in[i] == null ? "-" : in[i].toString());
        }
        return sb.append(')').toString();
    }

    /** The planner's view of one node while its operator prepares. */
    private static final class Preparation implements PrepareContext {
        private final Node node;
        private final int opset;
        private final Value[] inputs;
        private final DType[] types;
        private final long[][] shapes;
        private final Tensor[] constants;
        private final ModelConstants modelConstants;
        private final BitSet takenAsCodes = new BitSet();
        private final BitSet decoded = new BitSet();
        long scratchBytes;
        /** Set when an operand that must be known is computed from graph inputs' values. */
        BitSet valuesNeeded;

        Preparation(Node node, int opset, Value[] inputs, ModelConstants modelConstants) {
            this.node = node;
            this.opset = opset;
            this.inputs = inputs;
            this.modelConstants = modelConstants;
            int n = node.outputs().size();
            types = new DType[n];
            shapes = new long[n][];
            constants = new Tensor[n];
        }

        Value[] outputValues() {
            Value[] out = new Value[types.length];
            for (int i = 0; i < out.length; i++) {
                if (!hasOutput(i)) {
                    continue;
                }
                if (types[i] == null) {
                    throw new InferenceException(describe(node, null) + " did not declare output " + i);
                }
                out[i] = new Value(node.output(i), types[i], shapes[i], constants[i]);
            }
            return out;
        }

        boolean allOutputsConstant() {
            for (int i = 0; i < types.length; i++) {
                if (hasOutput(i) && constants[i] == null) {
                    return false;
                }
            }
            return true;
        }

        @Override public Node node() { return node; }
        @Override public int opset() { return opset; }
        @Override public int inputCount() { return inputs.length; }
        @Override public boolean hasInput(int i) { return i < inputs.length && inputs[i] != null; }
        @Override public DType inputType(int i) { return inputs[i].dtype; }
        @Override public long[] inputShape(int i) { return inputs[i].shape.clone(); }
        @Override
        public Tensor constantInput(int i) {
            if (!hasInput(i)) {
                return null;
            }
            decoded.set(i);
            return inputs[i].constantValue();
        }

        @Override
        public QuantizedTensor quantizedInput(int i) {
            if (!hasInput(i) || inputs[i].quantized == null) {
                return null;
            }
            takenAsCodes.set(i);
            return inputs[i].quantized;
        }

        @Override
        public <T> T derivedFromInput(int i, String kind, Supplier<T> compute) {
            if (!hasInput(i) || !inputs[i].isConstant() || !inputs[i].inputDependencies.isEmpty()) {
                throw new IllegalStateException("input " + i + " of " + describe(node, null)
                        + " is not a weight; only weights have per-model derived data");
            }
            return modelConstants.derived(inputs[i].name + "\0" + kind, compute);
        }

        BitSet codesOnly() {
            BitSet only = (BitSet) takenAsCodes.clone();
            only.andNot(decoded);
            return only;
        }

        @Override
        public Tensor requireConstantInput(int i, String what) {
            if (hasInput(i) && !inputs[i].isConstant() && !inputs[i].inputDependencies.isEmpty()) {
                valuesNeeded = inputs[i].inputDependencies;
            }
            return PrepareContext.super.requireConstantInput(i, what);
        }
        @Override public int outputCount() { return types.length; }
        @Override public boolean hasOutput(int i) { return i < types.length && !node.output(i).isEmpty(); }

        @Override
        public void setOutput(int i, DType dtype, long... shape) {
            try {
                Tensor.elementCount(shape);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("output " + i + " shape " + Arrays.toString(shape) + " overflows");
            }
            types[i] = dtype;
            shapes[i] = shape.clone();
        }

        @Override
        public void setConstantOutput(int i, Tensor value) {
            types[i] = value.dtype();
            shapes[i] = value.shape();
            constants[i] = value;
        }

        @Override
        public void reserveScratch(long bytes) {
            scratchBytes = Math.max(scratchBytes, bytes);
        }
    }
}
