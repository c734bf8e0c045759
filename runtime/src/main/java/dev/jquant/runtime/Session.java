package dev.jquant.runtime;

import dev.jquant.kernels.Parallel;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.plan.Plan;
import dev.jquant.runtime.plan.Planner;
import dev.jquant.runtime.plan.ThreadPoolParallel;
import dev.jquant.runtime.plan.ValuesRequiredException;
import dev.jquant.runtime.spi.Backend;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-thread inference state over a shared {@link Model}: the backend, the intra-op threads, and one
 * cached plan (operators prepared, arena laid out) per input-shape signature. Not thread-safe: give
 * each thread its own session; they all share the model's weights.
 */
public final class Session implements AutoCloseable {

    /** Plans kept per session; each holds an arena, so the cache is bounded (least recently used goes). */
    static final int MAX_PLANS = 16;

    private final Model model;
    private final Graph graph;
    private final SessionOptions options;
    private final Backend backend;
    private final Parallel parallel;
    private final Map<String, Plan> plans = new LinkedHashMap<>(MAX_PLANS, 0.75f, true);
    private Plan lastPlan;
    /** Graph inputs whose values shape the plan (found while planning); their contents join the plan key. */
    private final BitSet valueInputs = new BitSet();
    private boolean closed;
    /** Reused per run so that a run into caller-owned outputs allocates nothing. */
    private final Tensor[] ordered;
    private final Tensor[] into;

    Session(Model model, SessionOptions options) {
        this.model = model;
        this.graph = model.graph();
        this.options = options;
        this.backend = Backends.open(options.backend());
        this.parallel = options.threads() == 1 ? Parallel.SERIAL : new ThreadPoolParallel(options.threads());
        this.ordered = new Tensor[graph.inputs().size()];
        this.into = new Tensor[graph.outputs().size()];
    }

    /** Runs the model; the result's tensors live on the heap and stay valid after later runs. */
    public Result run(Map<String, Tensor> inputs) {
        Tensor[] ordered = orderAndValidate(inputs);
        Plan plan = planFor(ordered);
        Tensor[] out = new Tensor[graph.outputs().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = plan.allocateOutput(i);
        }
        plan.run(ordered, out);
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (int i = 0; i < out.length; i++) {
            named.put(graph.outputs().get(i).name(), out[i]);
        }
        return new Result(named);
    }

    /**
     * Runs the model writing each output into the caller's tensor of the same name (right type and shape,
     * see {@link #outputShapes}); outputs not in the map are not copied. Allocates nothing once the plan
     * for these shapes exists.
     */
    public void run(Map<String, Tensor> inputs, Map<String, Tensor> outputs) {
        Tensor[] ordered = orderAndValidate(inputs);
        Plan plan = planFor(ordered);
        List<ValueInfo> declared = graph.outputs();
        int known = 0;
        for (int i = 0; i < declared.size(); i++) {
            known += outputs.containsKey(declared.get(i).name()) ? 1 : 0;
        }
        if (known != outputs.size()) {
            for (String name : outputs.keySet()) {
                outputIndex(name); // rejects unknown names, listing the valid ones
            }
        }
        for (int i = 0; i < into.length; i++) {
            Tensor t = outputs.get(declared.get(i).name());
            if (t != null && !plan.fitsOutput(i, t)) {
                throw new IllegalArgumentException("output '" + declared.get(i).name() + "' needs a tensor "
                        + plan.describeOutput(i) + ", got " + t);
            }
            into[i] = t;
        }
        plan.run(ordered, into);
        Arrays.fill(into, null);
    }

    /**
     * Runs the model {@code runs} times on these inputs, timing every node, and says where the time went
     * (see {@link RunProfile#format}). The outputs are computed but not returned. Plain runs carry no timing
     * code; warm the session up with a few of them first, so that the profile does not time the JIT compiler.
     */
    public RunProfile profile(Map<String, Tensor> inputs, int runs) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, was " + runs);
        }
        Tensor[] ordered = orderAndValidate(inputs);
        Plan plan = planFor(ordered);
        long[] stepNanos = new long[plan.stepCount()];
        Arrays.fill(into, null);
        long start = System.nanoTime();
        for (int r = 0; r < runs; r++) {
            plan.run(ordered, into, stepNanos);
        }
        return plan.profile(runs, System.nanoTime() - start, stepNanos);
    }

    /** Output types and shapes for these inputs (plans them if needed). */
    public Map<String, Tensor> outputShapes(Map<String, Tensor> inputs) {
        Plan plan = planFor(orderAndValidate(inputs));
        Map<String, Tensor> shapes = new LinkedHashMap<>();
        for (int i = 0; i < graph.outputs().size(); i++) {
            shapes.put(graph.outputs().get(i).name(), plan.allocateOutput(i));
        }
        return shapes;
    }

    /** The plan for these inputs, printed: which backend runs each node and why, shapes, arena size. */
    public String describePlan(Map<String, Tensor> inputs) {
        return planFor(orderAndValidate(inputs)).describe();
    }

    /** Name of the backend this session prefers (after {@code auto} resolution); nodes it cannot run go to Java. */
    public String backendName() {
        return backend.name();
    }

    public SessionOptions options() {
        return options;
    }

    private int outputIndex(String name) {
        List<ValueInfo> outs = graph.outputs();
        for (int i = 0; i < outs.size(); i++) {
            if (outs.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown output '" + name + "', expected one of " + names(outs));
    }

    private static List<String> names(List<ValueInfo> values) {
        return values.stream().map(ValueInfo::name).toList();
    }

    private Plan planFor(Tensor[] ordered) {
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
        model.ensureOpen();
        if (lastPlan != null && lastPlan.matches(ordered)) {
            return lastPlan;
        }
        Plan plan = plans.get(planKey(ordered));
        if (plan == null) {
            plan = planNew(ordered);
            plans.put(planKey(ordered), plan);
            if (plans.size() > MAX_PLANS) {
                Iterator<Plan> eldest = plans.values().iterator();
                Plan evicted = eldest.next();
                eldest.remove();
                evicted.close();
            }
        }
        lastPlan = plan;
        return plan;
    }

    private Plan planNew(Tensor[] ordered) {
        while (true) {
            try {
                return Planner.plan(graph, model.constants(), backend, ordered, valueInputs, parallel);
            } catch (ValuesRequiredException e) {
                BitSet more = e.graphInputs();
                more.andNot(valueInputs);
                if (more.isEmpty()) {
                    throw new InferenceException(e.getMessage(), e);
                }
                valueInputs.or(more);
            }
        }
    }

    private String planKey(Tensor[] ordered) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < ordered.length; i++) {
            key.append(Arrays.toString(ordered[i].shape()));
            if (valueInputs.get(i)) {
                key.append('=').append(Arrays.toString(ordered[i].data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
            }
            key.append(';');
        }
        return key.toString();
    }

    /** The inputs in declared order, in the session's reused array. */
    private Tensor[] orderAndValidate(Map<String, Tensor> inputs) {
        List<ValueInfo> declared = graph.inputs();
        int found = 0;
        for (int i = 0; i < ordered.length; i++) {
            ValueInfo info = declared.get(i);
            Tensor t = inputs.get(info.name());
            if (t == null) {
                rejectUnknownNames(inputs);
                throw new IllegalArgumentException("missing input " + info);
            }
            checkInput(info, t);
            ordered[i] = t;
            found++;
        }
        if (inputs.size() != found) {
            rejectUnknownNames(inputs);
        }
        return ordered;
    }

    private void rejectUnknownNames(Map<String, Tensor> inputs) {
        List<ValueInfo> declared = graph.inputs();
        for (String name : inputs.keySet()) {
            if (declared.stream().noneMatch(v -> v.name().equals(name))) {
                throw new IllegalArgumentException("unknown input '" + name + "', expected one of " + names(declared));
            }
        }
    }

    private static void checkInput(ValueInfo info, Tensor t) {
        if (t.dtype() != info.dtype()) {
            throw new IllegalArgumentException("input '" + info.name() + "' must be " + info.dtype() + ", was "
                    + t.dtype() + " (expected " + info + ")");
        }
        if (!info.hasShape()) {
            return;
        }
        List<Dim> dims = info.shape();
        if (t.rank() != dims.size()) {
            throw new IllegalArgumentException("input '" + info.name() + "' must have rank " + dims.size() + " "
                    + info + ", was " + Arrays.toString(t.shape()));
        }
        for (int d = 0; d < dims.size(); d++) {
            Dim dim = dims.get(d);
            if (dim.isFixed() && dim.size() != t.dim(d)) {
                throw new IllegalArgumentException("input '" + info.name() + "' dimension " + d + " must be "
                        + dim.size() + " " + info + ", was " + Arrays.toString(t.shape()));
            }
        }
    }

    /** Releases the plans' arenas and the threads; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        plans.values().forEach(Plan::close);
        plans.clear();
        lastPlan = null;
        if (parallel instanceof ThreadPoolParallel pool) {
            pool.close();
        }
        backend.close();
    }
}
