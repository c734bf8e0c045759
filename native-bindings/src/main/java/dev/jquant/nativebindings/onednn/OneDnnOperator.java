package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.ExecContext;
import dev.jquant.runtime.ops.Operator;
import dev.jquant.runtime.ops.PrepareContext;
import dev.jquant.runtime.quant.QuantizedTensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;

/**
 * A node run by one oneDNN primitive. {@link #prepare} validates through the Java operator (see
 * {@link JavaPreparation}), asks the subclass for the primitive's operands, and builds the
 * {@link OneDnnPrimitive}; {@link #execute} runs it on this step's tensors, allocating nothing.
 *
 * <p>The primitive, and any reorders around it, form the node's {@link PrimitiveSequence}. Where oneDNN has nothing to compute (an empty
 * tensor) or cannot take the shapes, the prepared Java operator runs the node; so it does, on its quantized
 * kernels, where the node reads a quantized weight the subclass has no integer primitive for.
 */
abstract class OneDnnOperator implements Operator {

    final OneDnnBackend backend;
    final Node node;
    private final PrimitiveSequence primitives;
    /** Reorders run just before and just after the primitive, added while describing. */
    private final List<OneDnnPrimitive> reordersBefore = new ArrayList<>();
    private final List<OneDnnPrimitive> reordersAfter = new ArrayList<>();
    /** Non-null when the Java operator runs this node for these shapes. */
    private Operator java;
    /** Why {@link #java} runs it. */
    private String javaReason;
    /** Set by {@link #onJava} while describing. */
    private String describedReason;

    OneDnnOperator(OneDnnBackend backend, Node node) {
        this.backend = backend;
        this.node = node;
        this.primitives = new PrimitiveSequence(backend, node.opType() + " node '" + node.name() + "'");
    }

    /**
     * The primitive's operands for the shapes in {@code ctx} (already validated, output shape given), or
     * null when oneDNN has nothing to compute here and the Java operator should run the node (see {@link #onJava}).
     */
    abstract List<Operand> describe(PrepareContext ctx, long[] outputShape);

    /**
     * While describing: copies {@code from} into {@code to} (same dimensions and type, other strides) with a oneDNN
     * reorder, just before the primitive when {@code before} (after {@link #beforePrimitive}), else just after it
     * (before {@link #afterPrimitive}); e.g. into and out of the layout the primitive's fast kernels read.
     */
    final void reorder(boolean before, Operand from, Operand to) {
        List<Operand> operands = List.of(from.at(DNNL_ARG_FROM), to.at(DNNL_ARG_TO));
        OneDnnPrimitive reorder = new OneDnnPrimitive(backend, node.opType() + " node '" + node.name() + "' reorder",
                operands, new MemorySegment[2], (temp, layouts, attributes) -> temp.primitiveDesc("reorder",
                        pd -> dnnl_reorder_primitive_desc_create(pd, layouts.get(DNNL_ARG_FROM), backend.engine(),
                                layouts.get(DNNL_ARG_TO), backend.engine(), attributes)),
                WorkEstimate.copy(elements(from)));
        (before ? reordersBefore : reordersAfter).add(reorder);
    }

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

    /**
     * The primitive's estimated single-thread nanoseconds ({@link WorkEstimate}); here elementwise over its largest
     * operand. Products and convolutions count their multiply-adds instead.
     */
    long work(List<Operand> operands) {
        long largest = 0;
        for (Operand o : operands) {
            largest = Math.max(largest, elements(o));
        }
        return WorkEstimate.elementwise(largest);
    }

    /** A matrix product's work: its output elements times K, the source's last dimension. */
    static long productWork(List<Operand> operands) {
        long k = 0;
        for (Operand o : operands) {
            if (o.argument() == DNNL_ARG_SRC) {
                k = o.dims()[o.dims().length - 1];
            }
        }
        return WorkEstimate.multiplyAdds(elements(operands, DNNL_ARG_DST) * k);
    }

    /** A convolution's work: its output elements times the weights per output channel. */
    static long convolutionWork(List<Operand> operands, long outputChannels) {
        return WorkEstimate.multiplyAdds(elements(operands, DNNL_ARG_DST) * (elements(operands, DNNL_ARG_WEIGHTS) / outputChannels));
    }

    static long elements(Operand o) {
        long count = 1;
        for (long d : o.dims()) {
            count *= d;
        }
        return count;
    }

    /** The element count of the operand of {@code argument}. */
    static long elements(List<Operand> operands, int argument) {
        for (Operand o : operands) {
            if (o.argument() == argument) {
                return elements(o);
            }
        }
        throw new IllegalArgumentException("no operand for argument " + argument);
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
        List<Operand> operands = describe(ctx, checked.outputShape(0));
        if (operands == null) {
            javaReason = describedReason != null ? describedReason : "oneDNN does not take these inputs or attributes";
            java = checked.takeOver();
            return;
        }
        MemorySegment[] constants = new MemorySegment[operands.size()];
        for (int i = 0; i < constants.length; i++) {
            Operand o = operands.get(i);
            if (o.source() == Operand.Source.PACKED_INPUT) {
                constants[i] = constantData(ctx, o.index());
            }
        }
        reordersBefore.forEach(primitives::add);
        primitives.add(new OneDnnPrimitive(backend, node.opType() + " node '" + node.name() + "'", operands, constants,
                this::descriptor, work(operands)));
        reordersAfter.forEach(primitives::add);
        primitives.build(1);
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
        beforePrimitive(ctx);
        primitives.run(ctx);
        afterPrimitive(ctx);
    }

    /** Destroys the primitive and its memory objects (the packed weights stay with the session). */
    @Override
    public final void close() {
        primitives.close();
        if (java != null) {
            java.close();
        }
    }
}
