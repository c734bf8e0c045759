package dev.jquant.cli.bench;

import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * Makes inputs for a model from its declared inputs, so a model can be benchmarked without data.
 *
 * <p>Shapes. Fixed dimensions keep their size. A symbolic dimension is bound to {@code --batch} or
 * {@code --seq}:
 * <ol>
 *   <li>by position in a rank-2 integer input, which is taken to be tokens {@code [batch, sequence]}: exporters
 *       name these dimensions carelessly (all-MiniLM-L6-v2 calls both {@code batch});</li>
 *   <li>otherwise by its name: one containing {@code batch} (or exactly {@code N} / {@code B}) is the batch, one
 *       containing {@code seq}, {@code len} or {@code token} is the sequence.</li>
 * </ol>
 * Any other symbolic dimension cannot be bound, and the constructor says which one and why.
 *
 * <p>Values, by the input's name (case-insensitive), so that a transformer sees a plausible sequence:
 * integer inputs named like {@code *mask*} are all ones, {@code *type*} or {@code *segment*} all zeros,
 * {@code *position*} count 0, 1, 2, … along the last axis, and any other integer input (token ids) is
 * uniform in {@code [0, rows)} where {@code rows} is the row count of the embedding table the input indexes
 * through a {@code Gather} ({@value #FALLBACK_ID_RANGE} when no such table is found). Float inputs are
 * standard normal; 8-bit inputs (quantized activations, e.g. of QLinearConv) uniform over their type's range. The values depend only on the seed, the input's name and the shape.
 */
public final class InputSynthesizer {

    /** The id range when no embedding table bounds it: below the vocabulary size of any real text model. */
    static final long FALLBACK_ID_RANGE = 1000;

    private static final Pattern BATCH = Pattern.compile("(?i).*batch.*|N|B");
    private static final Pattern SEQUENCE = Pattern.compile("(?i).*(seq|len|token).*");

    /** What a declared dimension becomes. */
    private enum Role { FIXED, BATCH, SEQUENCE }

    private final List<ValueInfo> inputs;
    private final List<Role[]> roles = new ArrayList<>();
    private final Map<String, Long> idRanges = new LinkedHashMap<>();

    /** Binds every input dimension of {@code graph} now, so an unbindable one fails before anything runs. */
    public InputSynthesizer(Graph graph) {
        this.inputs = graph.inputs();
        for (ValueInfo input : inputs) {
            roles.add(roles(input));
            if (isInteger(input.dtype())) {
                idRanges.put(input.name(), idRange(graph, input.name()));
            } else if (input.dtype() != DType.FLOAT32 && !isEightBit(input.dtype())) {
                throw new IllegalArgumentException("cannot synthesize input " + input + ": the bench makes FLOAT32, "
                        + "INT64, INT32, UINT8 and INT8 inputs");
            }
        }
    }

    /** Whether some input has a batch dimension, so that {@code --batch} matters. */
    public boolean usesBatch() {
        return roles.stream().flatMap(Arrays::stream).anyMatch(r -> r == Role.BATCH);
    }

    /** Whether some input has a sequence dimension, so that {@code --seq} matters. */
    public boolean usesSequence() {
        return roles.stream().flatMap(Arrays::stream).anyMatch(r -> r == Role.SEQUENCE);
    }

    /** The inputs for one configuration, in the model's input order. */
    public Map<String, Tensor> inputs(int batch, int sequence, long seed) {
        Map<String, Tensor> made = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            ValueInfo input = inputs.get(i);
            long[] shape = new long[input.shape().size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = switch (roles.get(i)[d]) {
                    case FIXED -> input.shape().get(d).size();
                    case BATCH -> batch;
                    case SEQUENCE -> sequence;
                };
            }
            made.put(input.name(), values(input, shape, new SplittableRandom(seed ^ input.name().hashCode())));
        }
        return made;
    }

    private static Role[] roles(ValueInfo input) {
        if (!input.hasShape()) {
            throw new IllegalArgumentException("cannot synthesize input " + input + ": the model does not declare "
                    + "its rank");
        }
        List<Dim> dims = input.shape();
        Role[] roles = new Role[dims.size()];
        boolean tokens = dims.size() == 2 && isInteger(input.dtype());
        for (int d = 0; d < roles.length; d++) {
            Dim dim = dims.get(d);
            if (dim.isFixed()) {
                roles[d] = Role.FIXED;
            } else if (tokens) {
                roles[d] = d == 0 ? Role.BATCH : Role.SEQUENCE;
            } else if (BATCH.matcher(dim.symbol()).matches()) {
                roles[d] = Role.BATCH;
            } else if (SEQUENCE.matcher(dim.symbol()).matches()) {
                roles[d] = Role.SEQUENCE;
            } else {
                throw new IllegalArgumentException("cannot bind dimension " + d + " ('" + dim + "') of input " + input
                        + ": the bench binds dimensions named like batch to --batch and like seq/len/token to --seq "
                        + "(and a rank-2 integer input as [batch, seq]); any other must be fixed in the model");
            }
        }
        return roles;
    }

    /** Rows of the smallest embedding table {@code input} indexes directly with a Gather; else the fallback. */
    private static long idRange(Graph graph, String input) {
        long rows = Long.MAX_VALUE;
        for (Node node : graph.nodes()) {
            if (node.opType().equals("Gather") && node.inputCount() == 2 && node.input(1).equals(input)
                    && node.attrInt("axis", 0) == 0) {
                Tensor table = graph.initializers().get(node.input(0));
                if (table != null && table.rank() > 0 && table.dim(0) > 0) {
                    rows = Math.min(rows, table.dim(0));
                }
            }
        }
        return rows == Long.MAX_VALUE ? FALLBACK_ID_RANGE : rows;
    }

    private Tensor values(ValueInfo input, long[] shape, SplittableRandom random) {
        int count = Math.toIntExact(Tensor.elementCount(shape));
        if (input.dtype() == DType.FLOAT32) {
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                v[i] = (float) random.nextGaussian();
            }
            return Tensor.ofFloats(v, shape);
        }
        if (isEightBit(input.dtype())) {
            Tensor t = Tensor.allocate(input.dtype(), shape);
            for (int i = 0; i < count; i++) {
                t.data().set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt(256));
            }
            return t;
        }
        String name = input.name().toLowerCase(Locale.ROOT);
        long last = shape.length == 0 ? 1 : Math.max(1, shape[shape.length - 1]);
        long range = idRanges.get(input.name());
        long[] v = new long[count];
        for (int i = 0; i < count; i++) {
            v[i] = name.contains("mask") ? 1
                    : name.contains("type") || name.contains("segment") ? 0
                    : name.contains("position") ? i % last
                    : random.nextLong(range);
        }
        if (input.dtype() == DType.INT64) {
            return Tensor.ofLongs(v, shape);
        }
        return Tensor.ofInts(Arrays.stream(v).mapToInt(Math::toIntExact).toArray(), shape);
    }

    private static boolean isEightBit(DType dtype) {
        return dtype == DType.UINT8 || dtype == DType.INT8;
    }

    private static boolean isInteger(DType dtype) {
        return dtype == DType.INT64 || dtype == DType.INT32;
    }
}
