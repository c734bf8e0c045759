package dev.jquant.compressor.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jquant.compressor.onnx.proto.OnnxProto.AttributeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.AttributeProto.AttributeType;
import dev.jquant.compressor.onnx.proto.OnnxProto.GraphProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ModelProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.NodeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.SparseTensorProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorShapeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TypeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ValueInfoProto;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import dev.jquant.runtime.graph.Attribute;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import dev.jquant.runtime.ops.Operators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Reads an ONNX model into a jquant {@link Graph}. Everything the runtime cannot run is refused here, before
 * any compression work: operators outside the runtime's registry, other domains, subgraph attributes,
 * element types jquant lacks, non-tensor values and opsets outside {@value #MIN_OPSET}..{@value #MAX_OPSET},
 * each as an {@link UnsupportedOperatorException} naming the op type, node and opset. Constant nodes become
 * initializers; nodes without a name get a unique one ({@code <OpType>_<index>}) so every later error can
 * name its node; the nodes come out in topological order.
 */
public final class OnnxImporter {

    /** Lowest default-domain opset whose operator semantics jquant implements. */
    public static final int MIN_OPSET = 7;
    /** Highest default-domain opset whose operator semantics jquant implements. */
    public static final int MAX_OPSET = 21;

    private static final int NO_OPSET = -1;

    private final GraphProto graph;
    private final ModelProto model;
    private final Path source;
    private final Path baseDir;
    private final Set<String> supportedOps;
    /** Opset version per domain, the default domain under "". */
    private final Map<String, Integer> opsets;
    /** The default domain's opset; {@link #NO_OPSET} when the model imports none. */
    private final int opset;
    private final List<String> nodeNames;

    private OnnxImporter(ModelProto model, Path source, Set<String> supportedOps) throws OnnxImportException {
        if (!model.hasGraph()) {
            throw new OnnxImportException(source, "the model has no graph");
        }
        this.model = model;
        this.graph = model.getGraph();
        this.source = source;
        this.baseDir = source == null ? null : source.toAbsolutePath().getParent();
        this.supportedOps = supportedOps;
        this.opsets = opsets(model);
        this.opset = opsets.getOrDefault("", NO_OPSET);
        this.nodeNames = uniqueNodeNames(graph.getNodeList());
    }

    /** Imports the model in {@code onnxFile}; external data files are found relative to its directory. */
    public static Graph importModel(Path onnxFile) throws IOException, UnsupportedOperatorException {
        return importModel(Files.readAllBytes(onnxFile), onnxFile, Operators.supported());
    }

    /** Imports a serialized model held in memory; it may not keep tensors in external data files. */
    public static Graph importModel(byte[] model) throws IOException, UnsupportedOperatorException {
        return importModel(model, null, Operators.supported());
    }

    /**
     * Imports against a given set of runnable op types instead of the runtime's registry.
     *
     * @param source the model's file: names it in errors and locates external data; null for memory
     */
    static Graph importModel(byte[] bytes, Path source, Set<String> supportedOps)
            throws IOException, UnsupportedOperatorException {
        ModelProto model;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true); // raw_data stays a view of `bytes` until OnnxTensors copies it once
            model = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException(source, "not an ONNX model: " + e.getMessage(), e);
        }
        return new OnnxImporter(model, source, supportedOps).convert();
    }

    private Graph convert() throws OnnxImportException, UnsupportedOperatorException {
        checkOpset();
        checkNodes();
        Map<String, Tensor> initializers = initializers();
        Set<String> initializerNames = Set.copyOf(initializers.keySet()); // before Constant outputs join them
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            if (isDefaultDomain(n.getDomain()) && n.getOpType().equals("Constant")) {
                addConstant(i, initializers);
            } else {
                nodes.add(node(i));
            }
        }
        // Outputs first: a value jquant cannot hold is refused at the node that writes it, which an input
        // that no node reads would not have.
        List<ValueInfo> outputs = new ArrayList<>();
        for (ValueInfoProto v : graph.getOutputList()) {
            outputs.add(valueInfo(v, true));
        }
        List<ValueInfo> inputs = new ArrayList<>();
        for (ValueInfoProto v : graph.getInputList()) {
            // Exporters before IR version 4 list every initializer as a graph input too.
            if (!initializerNames.contains(v.getName())) {
                inputs.add(valueInfo(v, false));
            }
        }
        Set<String> defined = new HashSet<>(initializers.keySet());
        inputs.forEach(v -> defined.add(v.name()));
        List<Node> sorted = topologicalOrder(nodes, defined, outputs);
        return new Graph(graph.getName(), opset, inputs, outputs, sorted, initializers, metadata());
    }

    private static Map<String, Integer> opsets(ModelProto model) {
        Map<String, Integer> opsets = new HashMap<>();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            opsets.put(isDefaultDomain(o.getDomain()) ? "" : o.getDomain(), Math.clamp(o.getVersion(), 0, Integer.MAX_VALUE));
        }
        return opsets;
    }

    private static boolean isDefaultDomain(String domain) {
        return domain.isEmpty() || domain.equals("ai.onnx");
    }

    /** Names as given where unique; otherwise {@code <OpType>_<index>} or {@code <name>_<k>}, never clashing. */
    private static List<String> uniqueNodeNames(List<NodeProto> nodes) {
        Set<String> given = new HashSet<>();
        nodes.forEach(n -> given.add(n.getName()));
        Set<String> used = new HashSet<>();
        List<String> names = new ArrayList<>(nodes.size());
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            String name = n.getName();
            if (name.isEmpty() || !used.add(name)) {
                String base = name.isEmpty() ? n.getOpType() + "_" + i : name;
                name = base;
                for (int k = 1; given.contains(name) || used.contains(name); k++) {
                    name = base + "_" + k;
                }
                used.add(name);
            }
            names.add(name);
        }
        return names;
    }

    /**
     * Refuses a default-domain opset outside the range jquant implements, at the first node. A model that
     * imports no default opset is malformed unless all its nodes come from other domains, which
     * {@link #checkNodes} then refuses one by one.
     */
    private void checkOpset() throws OnnxImportException, UnsupportedOperatorException {
        String range = "jquant reads opsets " + MIN_OPSET + " to " + MAX_OPSET;
        if (opset == NO_OPSET) {
            if (graph.getNodeList().stream().allMatch(n -> isDefaultDomain(n.getDomain()))) {
                throw new OnnxImportException(source, "the model imports no opset of the default ONNX domain "
                        + "(opset_import); " + range);
            }
            return;
        }
        if (opset >= MIN_OPSET && opset <= MAX_OPSET) {
            return;
        }
        String problem = "the model imports opset " + opset + " of the default ONNX domain; " + range;
        if (graph.getNodeCount() == 0) {
            throw new OnnxImportException(source, problem);
        }
        throw unsupported(0, problem, false);
    }

    /** One reason a node cannot run, and whether listing the runnable op types helps the reader. */
    private record Problem(int node, String detail, boolean listSupported) {
    }

    /** Refuses the first node jquant cannot run, mentioning the other unsupported op types in the model. */
    private void checkNodes() throws UnsupportedOperatorException {
        List<Problem> problems = new ArrayList<>();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            Problem p = problem(i);
            if (p != null) {
                problems.add(p);
            }
        }
        if (problems.isEmpty()) {
            return;
        }
        Problem first = problems.getFirst();
        String firstOp = opLabel(graph.getNode(first.node()));
        Set<String> others = new LinkedHashSet<>();
        for (Problem p : problems) {
            others.add(opLabel(graph.getNode(p.node())));
        }
        others.remove(firstOp);
        String detail = first.detail();
        if (!others.isEmpty()) {
            detail = (detail.isEmpty() ? "" : detail + "; ") + "the model also uses unsupported "
                    + String.join(", ", others);
        }
        throw unsupported(first.node(), detail, first.listSupported());
    }

    private Problem problem(int index) {
        NodeProto n = graph.getNode(index);
        if (!isDefaultDomain(n.getDomain())) {
            return new Problem(index, "domain '" + n.getDomain() + "' is not supported; jquant runs operators of "
                    + "the default ONNX domain", true);
        }
        for (AttributeProto a : n.getAttributeList()) {
            AttributeType kind = kind(a);
            switch (kind) {
                case FLOAT, INT, STRING, TENSOR, FLOATS, INTS, STRINGS -> { }
                case GRAPH, GRAPHS -> {
                    return new Problem(index, "attribute '" + a.getName() + "' holds a subgraph (" + kind
                            + "); operators with subgraphs (If, Loop, Scan) are not supported", false);
                }
                default -> {
                    return new Problem(index, "attribute '" + a.getName() + "' is of kind " + kind
                            + ", which jquant does not read", false);
                }
            }
        }
        if (n.getOpType().equals("Constant")) {
            return constantProblem(index, n);
        }
        return supportedOps.contains(n.getOpType()) ? null : new Problem(index, "", true);
    }

    private static Problem constantProblem(int index, NodeProto n) {
        if (n.getAttributeCount() != 1 || n.getOutputCount() != 1) {
            return new Problem(index, "a Constant needs exactly one value attribute and one output, this one has "
                    + n.getAttributeCount() + " attributes and " + n.getOutputCount() + " outputs", false);
        }
        String attribute = n.getAttribute(0).getName();
        return switch (attribute) {
            case "value", "value_float", "value_floats", "value_int", "value_ints" -> null;
            default -> new Problem(index, "constant attribute '" + attribute + "' is not supported; jquant reads "
                    + "value, value_float, value_floats, value_int and value_ints", false);
        };
    }

    /** The attribute's kind; files from before IR version 3 leave {@code type} unset and only fill the value. */
    private static AttributeType kind(AttributeProto a) {
        if (a.hasType() && a.getType() != AttributeType.UNDEFINED) {
            return a.getType();
        }
        if (a.hasF()) return AttributeType.FLOAT;
        if (a.hasI()) return AttributeType.INT;
        if (a.hasS()) return AttributeType.STRING;
        if (a.hasT()) return AttributeType.TENSOR;
        if (a.hasG()) return AttributeType.GRAPH;
        if (a.hasSparseTensor()) return AttributeType.SPARSE_TENSOR;
        if (a.hasTp()) return AttributeType.TYPE_PROTO;
        if (a.getFloatsCount() > 0) return AttributeType.FLOATS;
        if (a.getIntsCount() > 0) return AttributeType.INTS;
        if (a.getStringsCount() > 0) return AttributeType.STRINGS;
        if (a.getTensorsCount() > 0) return AttributeType.TENSORS;
        if (a.getGraphsCount() > 0) return AttributeType.GRAPHS;
        if (a.getSparseTensorsCount() > 0) return AttributeType.SPARSE_TENSORS;
        if (a.getTypeProtosCount() > 0) return AttributeType.TYPE_PROTOS;
        return AttributeType.UNDEFINED;
    }

    private static String opLabel(NodeProto n) {
        return isDefaultDomain(n.getDomain()) ? n.getOpType() : n.getDomain() + ":" + n.getOpType();
    }

    /** The refusal of node {@code node}, quoting the opset of the node's own domain. */
    private UnsupportedOperatorException unsupported(int node, String detail, boolean listSupported) {
        NodeProto n = graph.getNode(node);
        // A domain the model forgot to import is quoted with the default domain's opset.
        int domainOpset = opsets.getOrDefault(isDefaultDomain(n.getDomain()) ? "" : n.getDomain(), opset);
        return new UnsupportedOperatorException(opLabel(n), nodeNames.get(node), domainOpset, detail,
                listSupported ? supportedOps : null);
    }

    /**
     * Refuses a value of a kind or element type jquant lacks, at the node that reads it (or, for a graph
     * output, writes it); a value no node touches is refused as an import error.
     */
    private UnsupportedOperatorException unsupportedValue(String value, boolean atProducer, String problem)
            throws OnnxImportException {
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            if (atProducer ? n.getOutputList().contains(value) : n.getInputList().contains(value)) {
                return unsupported(i, problem, false);
            }
        }
        throw new OnnxImportException(source, problem);
    }

    private Map<String, Tensor> initializers() throws OnnxImportException, UnsupportedOperatorException {
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            String name = t.getName();
            if (name.isEmpty()) {
                throw new OnnxImportException(source, "an initializer has no name");
            }
            if (initializers.containsKey(name)) {
                throw new OnnxImportException(source, "initializer '" + name + "' is defined twice");
            }
            if (OnnxTensors.dtype(t.getDataType()).isEmpty()) {
                throw unsupportedValue(name, false, "initializer '" + name + "' has element type "
                        + OnnxTensors.typeName(t.getDataType()) + "; " + OnnxTensors.supportedTypes());
            }
            initializers.put(name, OnnxTensors.toTensor(t, baseDir, source));
        }
        for (SparseTensorProto s : graph.getSparseInitializerList()) {
            String name = s.getValues().getName();
            throw unsupportedValue(name, false, "initializer '" + name + "' is sparse (sparse_initializer), "
                    + "which jquant does not read");
        }
        return initializers;
    }

    private void addConstant(int index, Map<String, Tensor> initializers)
            throws OnnxImportException, UnsupportedOperatorException {
        NodeProto n = graph.getNode(index);
        AttributeProto a = n.getAttribute(0);
        Tensor value = switch (a.getName()) {
            case "value" -> tensor(a.getT(), index, "attribute 'value'");
            case "value_float" -> Tensor.ofFloats(new float[] {a.getF()});
            case "value_floats" -> Tensor.ofFloats(floats(a), a.getFloatsCount());
            case "value_int" -> Tensor.scalarLong(a.getI());
            case "value_ints" -> Tensor.ofLongs(ints(a), a.getIntsCount());
            default -> throw new IllegalStateException("Constant attribute '" + a.getName() + "' passed checkNodes");
        };
        String output = n.getOutput(0);
        if (initializers.putIfAbsent(output, value) != null) {
            throw new OnnxImportException(source, "value '" + output + "' of Constant node '" + nodeNames.get(index)
                    + "' is also an initializer or another Constant's output");
        }
    }

    private Node node(int index) throws OnnxImportException, UnsupportedOperatorException {
        NodeProto n = graph.getNode(index);
        Map<String, Attribute> attributes = new LinkedHashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            attributes.put(a.getName(), attribute(a, index));
        }
        return new Node(nodeNames.get(index), n.getOpType(), "", n.getInputList(), n.getOutputList(), attributes);
    }

    private Attribute attribute(AttributeProto a, int node) throws OnnxImportException, UnsupportedOperatorException {
        return switch (kind(a)) {
            case FLOAT -> new Attribute.FloatValue(a.getF());
            case INT -> new Attribute.IntValue(a.getI());
            case STRING -> new Attribute.StringValue(a.getS().toStringUtf8());
            case TENSOR -> new Attribute.TensorValue(tensor(a.getT(), node, "attribute '" + a.getName() + "'"));
            case FLOATS -> new Attribute.FloatsValue(floats(a));
            case INTS -> new Attribute.IntsValue(ints(a));
            case STRINGS -> new Attribute.StringsValue(a.getStringsList().stream().map(s -> s.toStringUtf8()).toList());
            default -> throw new IllegalStateException("attribute kind " + kind(a) + " passed checkNodes");
        };
    }

    private static float[] floats(AttributeProto a) {
        float[] values = new float[a.getFloatsCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = a.getFloats(i);
        }
        return values;
    }

    private static long[] ints(AttributeProto a) {
        long[] values = new long[a.getIntsCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = a.getInts(i);
        }
        return values;
    }

    private Tensor tensor(TensorProto t, int node, String what) throws OnnxImportException, UnsupportedOperatorException {
        if (OnnxTensors.dtype(t.getDataType()).isEmpty()) {
            throw unsupported(node, what + " has element type " + OnnxTensors.typeName(t.getDataType()) + "; "
                    + OnnxTensors.supportedTypes(), false);
        }
        return OnnxTensors.toTensor(t, baseDir, source);
    }

    private ValueInfo valueInfo(ValueInfoProto v, boolean output) throws OnnxImportException, UnsupportedOperatorException {
        String what = "graph " + (output ? "output" : "input") + " '" + v.getName() + "'";
        TypeProto type = v.getType();
        String kind = switch (type.getValueCase()) {
            case TENSOR_TYPE -> null;
            case SEQUENCE_TYPE -> "a sequence";
            case MAP_TYPE -> "a map";
            case OPTIONAL_TYPE -> "an optional";
            case SPARSE_TENSOR_TYPE -> "a sparse tensor";
            case VALUE_NOT_SET -> throw new OnnxImportException(source, what + " declares no type");
        };
        if (kind != null) {
            throw unsupportedValue(v.getName(), output, what + " is " + kind + "; jquant runs dense tensors only");
        }
        int elemType = type.getTensorType().getElemType();
        Optional<DType> dtype = OnnxTensors.dtype(elemType);
        if (dtype.isEmpty()) {
            throw unsupportedValue(v.getName(), output, what + " has element type "
                    + OnnxTensors.typeName(elemType) + "; " + OnnxTensors.supportedTypes());
        }
        if (!type.getTensorType().hasShape()) {
            return new ValueInfo(v.getName(), dtype.get(), null);
        }
        List<Dim> shape = new ArrayList<>();
        for (TensorShapeProto.Dimension d : type.getTensorType().getShape().getDimList()) {
            // A negative dim_value is how some exporters say "dynamic".
            shape.add(d.hasDimValue() && d.getDimValue() >= 0 ? Dim.fixed(d.getDimValue())
                    : Dim.symbolic(d.hasDimParam() ? d.getDimParam() : ""));
        }
        return new ValueInfo(v.getName(), dtype.get(), shape);
    }

    /**
     * Orders the nodes so that each follows the producers of its inputs, keeping the file's order where it
     * already does (ONNX requires sorted graphs; not every exporter complies), and checks that every value
     * read is defined exactly once.
     */
    private List<Node> topologicalOrder(List<Node> nodes, Set<String> defined, List<ValueInfo> outputs)
            throws OnnxImportException {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).outputs()) {
                if (out.isEmpty()) {
                    continue;
                }
                Integer before = producer.putIfAbsent(out, i);
                if (before != null || defined.contains(out)) {
                    throw new OnnxImportException(source, "value '" + out + "' written by node '" + nodes.get(i).name()
                            + "' is also " + (before != null ? "written by node '" + nodes.get(before).name() + "'"
                                    : "an initializer or graph input"));
                }
            }
        }
        int[] waitingFor = new int[nodes.size()];
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                if (in.isEmpty() || defined.contains(in)) {
                    continue;
                }
                if (!producer.containsKey(in)) {
                    throw new OnnxImportException(source, "node '" + nodes.get(i).name() + "' (" + nodes.get(i).opType()
                            + ") reads '" + in + "', which no node, initializer or graph input defines");
                }
                waitingFor[i]++;
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
        }
        for (ValueInfo o : outputs) {
            if (!defined.contains(o.name()) && !producer.containsKey(o.name())) {
                throw new OnnxImportException(source, "graph output '" + o.name()
                        + "' is not defined by any node, initializer or graph input");
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (waitingFor[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> sorted = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            Node n = nodes.get(ready.poll());
            sorted.add(n);
            for (String out : n.outputs()) {
                for (int reader : readers.getOrDefault(out, List.of())) {
                    if (--waitingFor[reader] == 0) {
                        ready.add(reader);
                    }
                }
            }
        }
        if (sorted.size() < nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (waitingFor[i] > 0) {
                    throw new OnnxImportException(source, "the graph has a cycle through node '" + nodes.get(i).name()
                            + "' (" + nodes.get(i).opType() + ")");
                }
            }
        }
        return sorted;
    }

    private Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        if (!model.getProducerName().isEmpty()) {
            m.put("onnx.producer_name", model.getProducerName());
        }
        if (!model.getProducerVersion().isEmpty()) {
            m.put("onnx.producer_version", model.getProducerVersion());
        }
        for (StringStringEntryProto e : model.getMetadataPropsList()) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }
}
