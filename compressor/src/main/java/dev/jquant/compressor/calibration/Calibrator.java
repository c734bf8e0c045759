package dev.jquant.compressor.calibration;

import dev.jquant.compressor.Progress;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.InferenceException;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a float graph over sample inputs and chooses a quantization range for each value asked for. The
 * graph is run as a copy whose outputs are exactly the observed values; each run's outputs go to one
 * {@link RangeObserver} per value and are dropped, so memory is the observers' (a histogram each) plus one
 * run, whatever the number of samples.
 */
public final class Calibrator {
    /** Operators whose activation inputs static quantization puts on an integer grid. */
    private static final Set<String> MATRIX_OPS = Set.of("MatMul", "Gemm", "Conv");

    private Calibrator() {
    }

    /**
     * The activation inputs of every MatMul, Gemm and Conv node: their first two inputs where these are
     * computed at run time rather than stored (weights are initializers and are quantized apart). In graph
     * order, each value once.
     */
    public static List<String> activationInputs(Graph graph) {
        Set<String> values = new LinkedHashSet<>();
        for (Node node : graph.nodes()) {
            if (!node.domain().isEmpty() || !MATRIX_OPS.contains(node.opType())) {
                continue;
            }
            for (int i = 0; i < 2; i++) {
                if (node.hasInput(i) && !graph.initializers().containsKey(node.input(i))) {
                    values.add(node.input(i));
                }
            }
        }
        return List.copyOf(values);
    }

    /**
     * Observes {@code values} of {@code graph} over every sample and chooses their ranges.
     *
     * @param graph a float graph, as the compressor's passes leave it
     * @param values names of float values to calibrate: graph inputs or node outputs
     * @param progress told about the sample runs ({@code calibrating}) and the range choices
     * @throws IOException when a sample cannot be read or does not fit the graph (the message names it)
     * @throws UnsupportedOperatorException when the graph holds an operator the runtime cannot run
     * @throws IllegalArgumentException when a value is unknown, a constant, or not FLOAT32
     * @throws InferenceException when a run fails; the message names the sample
     */
    public static CalibrationResult calibrate(Graph graph, List<String> values, SampleSource samples,
            CalibrationOptions options, Progress progress) throws IOException, UnsupportedOperatorException {
        List<String> observed = List.copyOf(new LinkedHashSet<>(values));
        checkValues(graph, observed);
        List<ValueInfo> outputs = new ArrayList<>();
        for (String name : observed) {
            outputs.add(new ValueInfo(name, DType.FLOAT32, null));
        }
        Graph observing = new Graph(graph.name(), graph.opset(), graph.inputs(), outputs, graph.nodes(),
                graph.initializers(), graph.metadata());
        Map<String, RangeObserver> observers = new LinkedHashMap<>();
        for (String name : observed) {
            observers.put(name, options.newObserver());
        }
        try (Model model = Model.of(observing); Session session = model.newSession(options.session())) {
            progress.begin("calibrating", samples.size(), "samples");
            try {
                for (int i = 0; i < samples.size(); i++) {
                    observe(session, samples.load(i), observers, samples.describe(i));
                    progress.advance(1);
                }
            } finally {
                progress.end();
            }
        }
        Map<String, CalibratedValue> results = new LinkedHashMap<>();
        progress.begin("choosing ranges", observers.size(), "values");
        try {
            for (Map.Entry<String, RangeObserver> e : observers.entrySet()) {
                results.put(e.getKey(), choose(e.getKey(), e.getValue(), options.scheme(), samples.size()));
                progress.advance(1);
            }
        } finally {
            progress.end();
        }
        return new CalibrationResult(options, samples.size(), results);
    }

    private static void checkValues(Graph graph, List<String> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to calibrate");
        }
        Set<String> computed = new HashSet<>();
        graph.inputs().forEach(input -> computed.add(input.name()));
        graph.nodes().forEach(node -> computed.addAll(node.outputs()));
        for (String name : values) {
            if (graph.initializers().containsKey(name)) {
                throw new IllegalArgumentException("value '" + name + "' is a constant (an initializer), not an "
                        + "activation; only values computed at run time can be calibrated");
            }
            if (name.isEmpty() || !computed.contains(name)) {
                throw new IllegalArgumentException("value '" + name + "' is neither a graph input nor the output of "
                        + "a node of graph '" + graph.name() + "'");
            }
        }
    }

    private static void observe(Session session, Map<String, Tensor> inputs, Map<String, RangeObserver> observers,
            String sample) {
        Result run;
        try {
            run = session.run(inputs);
        } catch (InferenceException | IllegalArgumentException e) {
            throw new InferenceException(sample + ": " + e.getMessage(), e);
        }
        try (Result result = run) {
            for (Map.Entry<String, RangeObserver> e : observers.entrySet()) {
                Tensor t = result.get(e.getKey());
                if (t.dtype() != DType.FLOAT32) {
                    throw new IllegalArgumentException("value '" + e.getKey() + "' is " + t
                            + "; only FLOAT32 values can be calibrated");
                }
                e.getValue().observe(t.data(), t.elementCount());
            }
        }
    }

    private static CalibratedValue choose(String name, RangeObserver observer, ActivationScheme scheme, int samples) {
        try {
            Range clip = observer.range();
            return new CalibratedValue(name, observer.observed(), clip, ActivationQuantization.of(clip, scheme));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("value '" + name + "': " + e.getMessage() + " over " + samples
                    + " samples", e);
        }
    }
}
