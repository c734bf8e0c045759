package dev.jquant.runtime.plan;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.Operator;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/** One node to execute at run time, with its tensors bound to arena memory. */
final class Step implements ExecContext {
    final Node node;
    final Operator operator;
    final String backend;
    /** Why the preferred backend did not take this node, or null. */
    final String fallbackReason;
    final Value[] inputValues;
    final Value[] outputValues;
    final long scratchBytes;
    /** Inputs the operator reads as codes (a quantized initializer), left unbound so nothing decodes them. */
    final BitSet codesOnly;
    private final Tensor[] inputs;
    private final Tensor[] outputs;
    private MemorySegment scratch = MemorySegment.NULL;
    private Parallel parallel = Parallel.SERIAL;

    Step(Node node, Operator operator, String backend, String fallbackReason, Value[] inputValues,
            Value[] outputValues, long scratchBytes, BitSet codesOnly) {
        this.node = node;
        this.operator = operator;
        this.backend = backend;
        this.fallbackReason = fallbackReason;
        this.inputValues = inputValues;
        this.outputValues = outputValues;
        this.scratchBytes = scratchBytes;
        this.codesOnly = codesOnly;
        this.inputs = new Tensor[inputValues.length];
        this.outputs = new Tensor[outputValues.length];
    }

    /** Binds the tensors once the arena exists. */
    void bind(MemorySegment scratch, Parallel parallel) {
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = inputValues[i] == null || codesOnly.get(i) ? null : inputValues[i].tensor();
        }
        for (int i = 0; i < outputs.length; i++) {
            outputs[i] = outputValues[i] == null ? null : outputValues[i].tensor();
        }
        this.scratch = scratch;
        this.parallel = parallel;
    }

    @Override
    public Tensor input(int i) {
        return i < inputs.length ? inputs[i] : null;
    }

    @Override
    public Tensor output(int i) {
        return i < outputs.length ? outputs[i] : null;
    }

    @Override
    public MemorySegment scratch() {
        return scratch;
    }

    @Override
    public Parallel parallel() {
        return parallel;
    }
}
