package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.Operator;
import dev.jquant.runtime.ops.Operators;
import dev.jquant.runtime.spi.Backend;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_stream;

/**
 * One session's oneDNN: a CPU engine and stream, the packed weights and scratchpad its primitives share,
 * and everything native its operators create, all destroyed by {@link #close()}.
 */
final class OneDnnBackend implements Backend {

    private final OneDnnLibrary library;
    private final dnnl_engine engine = new dnnl_engine();
    private final dnnl_stream stream = new dnnl_stream();
    private final PackedWeights packedWeights;
    private final Scratchpad scratchpad = new Scratchpad();
    private final List<NativeResources> operatorResources = new ArrayList<>();
    private boolean closed;

    OneDnnBackend(OneDnnLibrary library) {
        this.library = library;
        Dnnl.check(dnnl_engine_create(engine, dnnl_cpu, 0), "CPU engine");
        int status = dnnl_stream_create(stream, engine, dnnl_stream_default_flags);
        if (status != dnnl_success) {
            dnnl_engine_destroy(engine);
            Dnnl.check(status, "stream");
        }
        packedWeights = new PackedWeights(engine, stream);
    }

    @Override
    public String name() {
        return OneDnnBackendProvider.NAME;
    }

    /**
     * MatMul multiplies int8 weights as codes; every other node reading a quantized weight has its Java operator
     * run it on the quantized kernels (decided in prepare, where the weight is known; see {@link OneDnnOperator}).
     */
    @Override
    public boolean runsQuantizedWeights() {
        return true;
    }

    @Override
    public String whyUnsupported(Node node, int opset) {
        if (isFusedMatMul(node) || isAttention(node)) {
            return null;
        }
        if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
            return node.domain() + ":" + node.opType() + ": not an ONNX default-domain operator";
        }
        return switch (node.opType()) {
            case "MatMul", "Gemm", "MatMulInteger", "QLinearMatMul", "Conv", "ConvInteger", "QLinearConv", "Gelu",
                    "Softmax", "LogSoftmax", "LayerNormalization", "MaxPool", "AveragePool" -> null;
            default -> node.opType() + ": not offloaded to oneDNN yet";
        };
    }

    @Override
    public Operator createOperator(Node node, int opset) {
        if (isFusedMatMul(node)) {
            return new OneDnnMatMul(this, node);
        }
        if (isAttention(node)) {
            return new OneDnnAttention(this, node);
        }
        return switch (node.opType()) {
            case "MatMul" -> new OneDnnMatMul(this, node);
            case "Gemm" -> new OneDnnGemm(this, node);
            case "Conv" -> new OneDnnConv(this, node);
            case "ConvInteger", "QLinearConv" -> new OneDnnIntegerConv(this, node);
            case "MatMulInteger", "QLinearMatMul" -> new OneDnnIntegerMatMul(this, node);
            case "Gelu" -> new OneDnnGelu(this, node);
            case "Softmax", "LogSoftmax" -> new OneDnnSoftmax(this, node);
            case "LayerNormalization" -> new OneDnnLayerNormalization(this, node);
            case "MaxPool", "AveragePool" -> new OneDnnPooling(this, node);
            default -> throw new IllegalArgumentException("no oneDNN operator for " + node.opType()
                    + "; expected one of [AveragePool, Conv, ConvInteger, Gelu, Gemm, LayerNormalization, LogSoftmax, MatMul, "
                    + "MatMulInteger, MaxPool, QLinearConv, QLinearMatMul, Softmax]");
        };
    }

    /**
     * jquant's FusedMatMul (a quantized MatMul with its bias and activation): oneDNN multiplies the int8 codes
     * and the dequantizing epilogue adds the rest; with any other weight the Java operator runs it.
     */
    private static boolean isFusedMatMul(Node node) {
        return node.domain().equals(Operators.JQUANT_DOMAIN) && node.opType().equals("FusedMatMul");
    }

    /** jquant's fused multi-head attention, run as three oneDNN primitives. */
    private static boolean isAttention(Node node) {
        return node.domain().equals(Operators.JQUANT_DOMAIN) && node.opType().equals("Attention");
    }

    OneDnnLibrary library() {
        return library;
    }

    dnnl_engine engine() {
        return engine;
    }

    dnnl_stream stream() {
        return stream;
    }

    PackedWeights packedWeights() {
        return packedWeights;
    }

    Scratchpad scratchpad() {
        return scratchpad;
    }

    /** A set of native objects for one operator, destroyed at the latest when this backend closes. */
    NativeResources newResources() {
        if (closed) {
            throw new IllegalStateException("the oneDNN backend is closed");
        }
        NativeResources r = new NativeResources();
        operatorResources.add(r);
        return r;
    }

    /** Destroys an operator's native objects before the session closes, when its plan is dropped. */
    void release(NativeResources resources) {
        resources.close();
        operatorResources.remove(resources);
    }

    /** How many operators' native objects are alive: what a dropped plan must give back. */
    int liveOperatorResources() {
        return operatorResources.size();
    }

    /** Destroys every primitive, memory object and packed weight of this session, then the stream and engine. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = operatorResources.size() - 1; i >= 0; i--) {
            operatorResources.get(i).close();
        }
        operatorResources.clear();
        packedWeights.close();
        scratchpad.close();
        dnnl_stream_destroy(stream);
        dnnl_engine_destroy(engine);
    }
}
