package dev.jquant.cli.bench;

import dev.jquant.runtime.Tensor;
import java.util.Map;

/** One thing being timed: a jquant backend or the peer, holding its session and its current inputs. */
interface Engine extends AutoCloseable {

    /** Short and stable, for the JSON keys: the backend's name, or {@code onnxruntime}. */
    String key();

    /** For people, e.g. {@code jquant java} or {@code ONNX Runtime 1.20.0}. */
    String name();

    /** True for the engine the others are compared with. */
    boolean peer();

    /** Takes the inputs for the next runs, converting them to the engine's own tensors now, not while timed. */
    void use(Map<String, Tensor> inputs) throws Exception;

    /** One inference on the current inputs; the outputs are released before it returns. */
    void run() throws Exception;
}
