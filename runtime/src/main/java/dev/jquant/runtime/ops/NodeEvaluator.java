package dev.jquant.runtime.ops;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Node;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Runs one node on heap tensors, outside any plan: prepare, allocate outputs, execute. Used to fold
 * constants (by the compressor and the planner) and to test an operator without a model file.
 */
public final class NodeEvaluator {

    private NodeEvaluator() {
    }

    /**
     * Evaluates {@code node} on {@code inputs} (null entries for absent optional inputs).
     *
     * @param inputsAreConstant whether the operator may treat the inputs as known at planning time
     *        (true when folding constants; false exercises the run-time path, as a plan would)
     */
    public static Tensor[] evaluate(Node node, int opset, Tensor[] inputs, boolean inputsAreConstant, Parallel parallel)
            throws UnsupportedOperatorException {
        Operator op = Operators.create(node, opset);
        Prepared p = new Prepared(node, opset, inputs, inputsAreConstant);
        try {
            op.prepare(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(node.opType() + " node '" + node.name() + "': " + e.getMessage(), e);
        }
        Tensor[] outputs = new Tensor[node.outputs().size()];
        for (int i = 0; i < outputs.length; i++) {
            if (p.constants[i] != null) {
                outputs[i] = p.constants[i];
            } else if (p.types[i] != null) {
                outputs[i] = Tensor.allocate(p.types[i], p.shapes[i]);
            } else if (p.hasOutput(i)) {
                throw new IllegalStateException(node.opType() + " did not set output " + i + " in prepare");
            }
        }
        if (!p.allConstant()) {
            MemorySegment scratch = p.scratchBytes == 0 ? MemorySegment.NULL.reinterpret(0)
                    : Arena.ofAuto().allocate(p.scratchBytes, 64);
            op.execute(new Exec(inputs, outputs, scratch, parallel));
        }
        return outputs;
    }

    public static Tensor[] evaluate(Node node, int opset, Tensor... inputs) throws UnsupportedOperatorException {
        return evaluate(node, opset, inputs, false, Parallel.SERIAL);
    }

    private static final class Prepared implements PrepareContext {
        final Node node;
        final int opset;
        final Tensor[] inputs;
        final boolean inputsAreConstant;
        final DType[] types;
        final long[][] shapes;
        final Tensor[] constants;
        long scratchBytes;

        Prepared(Node node, int opset, Tensor[] inputs, boolean inputsAreConstant) {
            this.node = node;
            this.opset = opset;
            this.inputs = inputs;
            this.inputsAreConstant = inputsAreConstant;
            int n = node.outputs().size();
            this.types = new DType[n];
            this.shapes = new long[n][];
            this.constants = new Tensor[n];
        }

        boolean allConstant() {
            for (int i = 0; i < constants.length; i++) {
                if (hasOutput(i) && constants[i] == null) {
                    return false;
                }
            }
            return true;
        }

        @Override public Node node() { return node; }
        @Override public int opset() { return opset; }
        @Override public int inputCount() { return node.inputs().size(); }
        @Override public boolean hasInput(int i) { return node.hasInput(i) && i < inputs.length && inputs[i] != null; }
        @Override public DType inputType(int i) { return inputs[i].dtype(); }
        @Override public long[] inputShape(int i) { return inputs[i].shape(); }
        @Override public Tensor constantInput(int i) { return inputsAreConstant && hasInput(i) ? inputs[i] : null; }
        @Override public int outputCount() { return node.outputs().size(); }
        @Override public boolean hasOutput(int i) { return i < node.outputs().size() && !node.output(i).isEmpty(); }

        @Override
        public void setOutput(int i, DType dtype, long... shape) {
            Tensor.elementCount(shape); // rejects negative dimensions and overflow
            types[i] = dtype;
            shapes[i] = shape.clone();
        }

        @Override
        public void setConstantOutput(int i, Tensor value) {
            constants[i] = value;
            types[i] = value.dtype();
            shapes[i] = value.shape();
        }

        @Override
        public void reserveScratch(long bytes) {
            scratchBytes = Math.max(scratchBytes, bytes);
        }

        @Override
        public String toString() {
            return node.opType() + Arrays.toString(inputs);
        }
    }

    private record Exec(Tensor[] inputs, Tensor[] outputs, MemorySegment scratch, Parallel parallel) implements ExecContext {
        @Override public Tensor input(int i) { return i < inputs.length ? inputs[i] : null; }
        @Override public Tensor output(int i) { return outputs[i]; }
    }
}
