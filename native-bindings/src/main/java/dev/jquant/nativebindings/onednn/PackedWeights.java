package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * Constant weights reordered into the layouts primitives prefer, once per session: the plans for other
 * input shapes usually want the same layout of the same weights and share one copy. An entry keeps its
 * source segment reachable, so the address it is keyed by cannot be reused by another tensor.
 */
final class PackedWeights implements AutoCloseable {

    private record Entry(MemorySegment source, dnnl_memory_desc sourceLayout, dnnl_memory_desc layout, dnnl_memory memory) {
    }

    private final dnnl_engine engine;
    private final dnnl_stream stream;
    private final NativeResources resources = new NativeResources();
    private final Arena arena = Arena.ofShared();
    private final List<Entry> entries = new ArrayList<>();

    PackedWeights(dnnl_engine engine, dnnl_stream stream) {
        this.engine = engine;
        this.stream = stream;
    }

    /**
     * A memory object holding {@code weights} (laid out as {@code sourceLayout}) in {@code layout}: the
     * weights themselves where the layouts agree, else a reordered copy. Owned here, valid until
     * {@link #close()}.
     */
    dnnl_memory get(MemorySegment weights, dnnl_memory_desc sourceLayout, dnnl_memory_desc layout) {
        for (Entry e : entries) {
            if (e.source.address() == weights.address() && e.source.byteSize() == weights.byteSize()
                    && dnnl_memory_desc_equal(e.sourceLayout, sourceLayout) == 1
                    && dnnl_memory_desc_equal(e.layout, layout) == 1) {
                return e.memory;
            }
        }
        dnnl_memory memory;
        if (dnnl_memory_desc_equal(sourceLayout, layout) == 1) {
            // The primitive takes the weights as they are: no copy.
            memory = resources.memory(layout, engine, new SegmentPointer().at(weights.address()));
        } else {
            memory = reorder(weights, sourceLayout, layout);
        }
        entries.add(new Entry(weights, resources.copy(sourceLayout), resources.copy(layout), memory));
        return memory;
    }

    private dnnl_memory reorder(MemorySegment weights, dnnl_memory_desc sourceLayout, dnnl_memory_desc layout) {
        MemorySegment packed = arena.allocate(Math.max(dnnl_memory_desc_get_size(layout), 1), 64);
        dnnl_memory memory = resources.memory(layout, engine, new SegmentPointer().at(packed.address()));
        try (NativeResources once = new NativeResources()) {
            dnnl_memory from = once.memory(sourceLayout, engine, new SegmentPointer().at(weights.address()));
            dnnl_primitive_desc pd = once.primitiveDesc("weight reorder",
                    d -> dnnl_reorder_primitive_desc_create(d, sourceLayout, engine, layout, engine, null));
            dnnl_primitive reorder = once.primitive(pd);
            dnnl_exec_arg_t args = once.executionArguments(2);
            args.position(0).arg(DNNL_ARG_FROM).memory(from);
            args.position(1).arg(DNNL_ARG_TO).memory(memory);
            Dnnl.check(dnnl_primitive_execute(reorder, stream, 2, args.position(0)), "weight reorder");
            Dnnl.check(dnnl_stream_wait(stream), "weight reorder");
        }
        return memory;
    }

    @Override
    public void close() {
        entries.clear();
        resources.close();
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
