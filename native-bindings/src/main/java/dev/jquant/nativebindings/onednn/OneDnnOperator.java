package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.Operator;
import dev.jquant.runtime.ops.PrepareContext;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * A node run by one oneDNN primitive. {@link #prepare} validates through the Java operator (see
 * {@link JavaPreparation}), asks the subclass for the primitive's operands, and builds the primitive:
 * memory objects for every operand, constant weights packed, the shared scratchpad sized. {@link #execute}
 * points the memory objects at this run's tensors and executes; it allocates nothing.
 *
 * <p>The primitive is built for one thread in prepare (the thread count is not part of
 * {@link PrepareContext}) and rebuilt on the first run of a session with more threads, since some
 * implementations fix their work split when created. Where oneDNN has nothing to compute (an empty
 * tensor) or cannot take the shapes, the prepared Java operator runs the node; so it does, on its quantized
 * kernels, where the node reads a quantized weight the subclass has no integer primitive for.
 */
abstract class OneDnnOperator implements Operator {

    private static final System.Logger LOG = System.getLogger(OneDnnOperator.class.getName());

    final OneDnnBackend backend;
    final Node node;
    private final NativeResources owned;
    private final SegmentPointer pointer = new SegmentPointer();

    private List<Operand> operands;
    /** The constant tensors of {@link Operand.Source#PACKED_INPUT} operands, by operand position. */
    private MemorySegment[] constants;
    /** Non-null when the Java operator runs this node for these shapes. */
    private Operator java;
    /** Why {@link #java} runs it. */
    private String javaReason;
    /** Set by {@link #onJava} while describing. */
    private String describedReason;

    private int builtThreads;
    private dnnl_primitive primitive;
    private dnnl_exec_arg_t arguments;
    private int argumentCount;
    /** Memory objects pointed at this run's tensors before each run, and the operands they stand for. */
    private dnnl_memory[] runMemories;
    private Operand[] runOperands;
    private int runCount;
    private dnnl_memory scratchpadMemory;
    private boolean closed;

    OneDnnOperator(OneDnnBackend backend, Node node) {
        this.backend = backend;
        this.node = node;
        this.owned = backend.newResources();
    }

    /**
     * The primitive's operands for the shapes in {@code ctx} (already validated, output shape given), or
     * null when oneDNN has nothing to compute here and the Java operator should run the node (see {@link #onJava}).
     */
    abstract List<Operand> describe(PrepareContext ctx, long[] outputShape);

    /** What {@link #describe} returns when the Java operator should run the node, for {@code reason}. */
    final List<Operand> onJava(String reason) {
        describedReason = reason;
        return null;
    }

    /**
     * Creates the primitive descriptor (registered in {@code temp}) from the operands' memory descriptors,
     * keyed by argument id; {@code attributes} already selects the user-managed scratchpad.
     */
    abstract dnnl_primitive_desc descriptor(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
            dnnl_primitive_attr attributes);

    /**
     * Why this operator does not run on the codes of the quantized weight {@code w} at input {@code index}, or
     * null when it does; when it does not, the Java operator runs the node on its quantized kernels.
     */
    String whyNotOnCodes(PrepareContext ctx, int index, QuantizedTensor w) {
        return "oneDNN's " + node.opType() + " does not read quantized weights";
    }

    /** The data of the constant input {@code index}, which a {@link Operand.Source#PACKED_INPUT} operand packs. */
    MemorySegment constantData(PrepareContext ctx, int index) {
        return ctx.constantInput(index).data();
    }

    /** Runs before the primitive, e.g. to fill {@link Operand.Source#SCRATCH} operands. */
    void beforePrimitive(ExecContext ctx) {
    }

    /** Runs after the primitive, e.g. to turn its output into the node's. */
    void afterPrimitive(ExecContext ctx) {
    }

    @Override
    public final void prepare(PrepareContext ctx) {
        for (int i = 0; i < ctx.inputCount(); i++) {
            QuantizedTensor w = ctx.hasInput(i) ? ctx.quantizedInput(i) : null;
            String whyNot = w == null ? null : whyNotOnCodes(ctx, i, w);
            if (whyNot != null) {
                // oneDNN would need the decoded floats, which would undo what quantization saved.
                javaReason = whyNot;
                java = JavaPreparation.javaOperator(ctx);
                java.prepare(ctx);
                return;
            }
        }
        JavaPreparation checked = JavaPreparation.run(ctx);
        operands = describe(ctx, checked.outputShape(0));
        if (operands == null) {
            javaReason = describedReason != null ? describedReason : "oneDNN does not take these inputs or attributes";
            java = checked.takeOver();
            return;
        }
        constants = new MemorySegment[operands.size()];
        for (int i = 0; i < constants.length; i++) {
            Operand o = operands.get(i);
            if (o.source() == Operand.Source.PACKED_INPUT) {
                constants[i] = constantData(ctx, o.index());
            }
        }
        build(1);
    }

    @Override
    public final String delegatedToJava() {
        return javaReason;
    }

    @Override
    public final void execute(ExecContext ctx) {
        if (java != null) {
            java.execute(ctx);
            return;
        }
        if (closed) {
            throw new IllegalStateException(node.opType() + " node '" + node.name() + "': its oneDNN primitive was closed");
        }
        int threads = ctx.parallel().threads();
        if (threads != builtThreads) {
            build(threads);
        }
        backend.library().setThreads(threads);
        beforePrimitive(ctx);
        for (int k = 0; k < runCount; k++) {
            Operand o = runOperands[k];
            long address = switch (o.source()) {
                case OUTPUT -> ctx.output(o.index()).data().address();
                case SCRATCH -> ctx.scratch().address() + o.index();
                default -> ctx.input(o.index()).data().address();
            };
            Dnnl.check(dnnl_memory_set_data_handle(runMemories[k], pointer.at(address)), "memory handle");
        }
        if (scratchpadMemory != null) {
            Dnnl.check(dnnl_memory_set_data_handle(scratchpadMemory, pointer.at(backend.scratchpad().address())),
                    "scratchpad handle");
        }
        Dnnl.check(dnnl_primitive_execute(primitive, backend.stream(), argumentCount, arguments), "execution");
        Dnnl.check(dnnl_stream_wait(backend.stream()), "stream wait");
        afterPrimitive(ctx);
    }

    /** Destroys the primitive and its memory objects (the packed weights stay with the session). */
    @Override
    public final void close() {
        closed = true;
        backend.release(owned);
        if (java != null) {
            java.close();
        }
    }

    /** (Re)creates the primitive and its memory objects for {@code threads} OpenMP threads. */
    private void build(int threads) {
        owned.close();
        backend.library().setThreads(threads);
        try (NativeResources temp = new NativeResources()) {
            Map<Integer, dnnl_memory_desc> layouts = new HashMap<>();
            dnnl_memory_desc[] plain = new dnnl_memory_desc[operands.size()];
            for (int i = 0; i < plain.length; i++) {
                Operand o = operands.get(i);
                plain[i] = temp.memoryDesc(o.dims(), o.strides(), o.dataType());
                layouts.put(o.argument(),
                        o.source() == Operand.Source.PACKED_INPUT ? temp.anyLayout(o.dims(), o.dataType()) : plain[i]);
            }
            dnnl_primitive_attr attributes = temp.attributes();
            Dnnl.check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "scratchpad mode");
            dnnl_primitive_desc pd = descriptor(temp, layouts, attributes);
            LOG.log(System.Logger.Level.DEBUG, () -> node.opType() + " node '" + node.name() + "': "
                    + Dnnl.implementation(pd) + " for " + threads + " thread(s)");
            primitive = owned.primitive(pd);

            dnnl_memory_desc scratchLayout = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
            long scratchBytes = scratchLayout == null || scratchLayout.isNull() ? 0 : dnnl_memory_desc_get_size(scratchLayout);
            backend.scratchpad().reserve(scratchBytes);

            arguments = owned.executionArguments(operands.size() + 1);
            runMemories = new dnnl_memory[operands.size()];
            runOperands = new Operand[operands.size()];
            int count = 0;
            runCount = 0;
            for (int i = 0; i < plain.length; i++) {
                Operand o = operands.get(i);
                dnnl_memory memory;
                if (o.source() == Operand.Source.PACKED_INPUT) {
                    dnnl_memory_desc wanted = dnnl_primitive_desc_query_md(pd, dnnl_query_exec_arg_md, o.argument());
                    memory = backend.packedWeights().get(constants[i], plain[i], wanted);
                } else {
                    memory = owned.memory(plain[i], backend.engine(), null);
                    runMemories[runCount] = memory;
                    runOperands[runCount++] = o;
                }
                arguments.position(count++).arg(o.argument()).memory(memory);
            }
            scratchpadMemory = null;
            if (scratchBytes > 0) {
                scratchpadMemory = owned.memory(scratchLayout, backend.engine(), null);
                arguments.position(count++).arg(DNNL_ARG_SCRATCHPAD).memory(scratchpadMemory);
            }
            arguments.position(0);
            argumentCount = count;
        }
        builtThreads = threads;
    }
}
