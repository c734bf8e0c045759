package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.ops.ExecContext;
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
 * One oneDNN primitive over a node's operands: {@link #build} creates it with a memory object per operand
 * (constant weights packed, the shared scratchpad sized) in resources the caller owns; {@link #run} points the
 * memory objects at a step's tensors and executes, allocating nothing. A node's operator holds one, or several
 * run in turn (see {@link OneDnnAttention}).
 */
final class OneDnnPrimitive {

    /** Creates the primitive descriptor from the operands' memory descriptors, keyed by argument id. */
    @FunctionalInterface
    interface Descriptor {
        /** {@code attributes} already selects the user-managed scratchpad; register what is made in {@code temp}. */
        dnnl_primitive_desc create(NativeResources temp, Map<Integer, dnnl_memory_desc> layouts,
                dnnl_primitive_attr attributes);
    }

    private static final System.Logger LOG = System.getLogger(OneDnnPrimitive.class.getName());

    private final OneDnnBackend backend;
    private final String what;
    private final List<Operand> operands;
    /** The constant tensors of {@link Operand.Source#PACKED_INPUT} operands, by operand position. */
    private final MemorySegment[] constants;
    private final Descriptor descriptor;
    /** Estimated single-thread nanoseconds, see {@link WorkEstimate}. */
    private final long work;
    private final SegmentPointer pointer = new SegmentPointer();

    private dnnl_primitive primitive;
    private dnnl_exec_arg_t arguments;
    private int argumentCount;
    /** Memory objects pointed at this run's tensors before each run, and the operands they stand for. */
    private dnnl_memory[] runMemories;
    private Operand[] runOperands;
    private int runCount;
    private dnnl_memory scratchpadMemory;

    /**
     * @param what names the primitive in logs, e.g. the node
     * @param constants for each operand, the constant data it packs (null for the others)
     * @param work the estimated single-thread nanoseconds ({@link WorkEstimate}), which decide its thread count
     */
    OneDnnPrimitive(OneDnnBackend backend, String what, List<Operand> operands, MemorySegment[] constants,
            Descriptor descriptor, long work) {
        this.backend = backend;
        this.work = work;
        this.what = what;
        this.operands = List.copyOf(operands);
        this.constants = constants.clone();
        this.descriptor = descriptor;
    }

    /** The OpenMP threads this primitive runs on in a session of {@code threads}. */
    int threads(int threads) {
        return WorkEstimate.threads(work, threads);
    }

    /** Creates the primitive and its memory objects in {@code owned}, for the OpenMP thread count now set. */
    void build(NativeResources owned, int threads) {
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
            dnnl_primitive_desc pd = descriptor.create(temp, layouts, attributes);
            LOG.log(System.Logger.Level.DEBUG, () -> what + ": " + Dnnl.implementation(pd) + " for " + threads + " thread(s)");
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
    }

    /** Points the memory objects at this step's tensors and runs the primitive to completion. */
    void run(ExecContext ctx) {
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
    }
}
