package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Pointer;

/**
 * oneDNN objects created together and destroyed together, the last created first. Each factory method
 * creates one object, checks the status and registers its destructor. {@link #close()} is idempotent,
 * and the owner may keep using this instance after it (a rebuilt primitive registers anew).
 */
final class NativeResources implements AutoCloseable {

    private final List<Runnable> destroyers = new ArrayList<>();

    /** A memory descriptor of {@code dataType} elements (e.g. {@code dnnl_s8}) with explicit element strides. */
    dnnl_memory_desc memoryDesc(long[] dims, long[] strides, int dataType) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_desc_create_with_strides(md, dims.length, dims, dataType, strides), "memory descriptor");
        return add(md, () -> dnnl_memory_desc_destroy(md));
    }

    /** A memory descriptor of {@code dataType} elements whose layout the primitive chooses. */
    dnnl_memory_desc anyLayout(long[] dims, int dataType) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_desc_create_with_tag(md, dims.length, dims, dataType, dnnl_format_tag_any),
                "memory descriptor");
        return add(md, () -> dnnl_memory_desc_destroy(md));
    }

    /** A copy that outlives the primitive descriptor {@code md} was queried from. */
    dnnl_memory_desc copy(dnnl_memory_desc md) {
        dnnl_memory_desc clone = new dnnl_memory_desc();
        Dnnl.check(dnnl_memory_desc_clone(clone, md), "memory descriptor clone");
        return add(clone, () -> dnnl_memory_desc_destroy(clone));
    }

    /** A memory object over {@code handle} (null: none yet, set before each run). */
    dnnl_memory memory(dnnl_memory_desc md, dnnl_engine engine, Pointer handle) {
        dnnl_memory memory = new dnnl_memory();
        Dnnl.check(dnnl_memory_create(memory, md, engine, handle), "memory");
        return add(memory, () -> dnnl_memory_destroy(memory));
    }

    dnnl_primitive_attr attributes() {
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        Dnnl.check(dnnl_primitive_attr_create(attr), "primitive attributes");
        return add(attr, () -> dnnl_primitive_attr_destroy(attr));
    }

    dnnl_post_ops postOps() {
        dnnl_post_ops ops = new dnnl_post_ops();
        Dnnl.check(dnnl_post_ops_create(ops), "post-ops");
        return add(ops, () -> dnnl_post_ops_destroy(ops));
    }

    /** A primitive descriptor made by {@code create} (one of the {@code dnnl_*_primitive_desc_create} calls). */
    dnnl_primitive_desc primitiveDesc(String what, ToIntFunction<dnnl_primitive_desc> create) {
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        Dnnl.check(create.applyAsInt(pd), what + " primitive descriptor");
        return add(pd, () -> dnnl_primitive_desc_destroy(pd));
    }

    dnnl_primitive primitive(dnnl_primitive_desc pd) {
        dnnl_primitive primitive = new dnnl_primitive();
        Dnnl.check(dnnl_primitive_create(primitive, pd), "primitive");
        return add(primitive, () -> dnnl_primitive_destroy(primitive));
    }

    /** A native array of {@code count} execution arguments. */
    dnnl_exec_arg_t executionArguments(int count) {
        dnnl_exec_arg_t args = new dnnl_exec_arg_t(count);
        return add(args, args::close);
    }

    private <T> T add(T handle, Runnable destroy) {
        destroyers.add(destroy);
        return handle;
    }

    @Override
    public void close() {
        for (int i = destroyers.size() - 1; i >= 0; i--) {
            destroyers.get(i).run();
        }
        destroyers.clear();
    }
}
