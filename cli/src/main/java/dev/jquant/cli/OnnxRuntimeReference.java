package dev.jquant.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** ONNX Runtime Java running the original {@code .onnx} file: the reference the demo compares jquant with. */
final class OnnxRuntimeReference implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;

    private OnnxRuntimeReference(OrtEnvironment env, OrtSession session) {
        this.env = env;
        this.session = session;
    }

    static OnnxRuntimeReference open(Path onnx, int threads) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            return new OnnxRuntimeReference(env, env.createSession(onnx.toString(), options));
        }
    }

    /** e.g. {@code ONNX Runtime 1.20.0}, from the jar's manifest. */
    static String name() {
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        return "ONNX Runtime" + (version == null ? "" : " " + version);
    }

    /** Runs on INT64 inputs and returns the FLOAT32 outputs, copied to the heap. */
    Map<String, Tensor> run(Map<String, Tensor> inputs) throws OrtException {
        Map<String, OnnxTensor> ort = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor t = e.getValue();
                if (t.dtype() != DType.INT64) {
                    throw new IllegalArgumentException("the reference runner takes INT64 inputs, '" + e.getKey()
                            + "' is " + t.dtype());
                }
                ort.put(e.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), t.shape()));
            }
            Map<String, Tensor> outputs = new LinkedHashMap<>();
            try (OrtSession.Result result = session.run(ort)) {
                for (Map.Entry<String, OnnxValue> e : result) {
                    OnnxTensor out = (OnnxTensor) e.getValue();
                    FloatBuffer fb = out.getFloatBuffer();
                    if (fb == null) {
                        throw new IllegalStateException("reference output '" + e.getKey() + "' is "
                                + out.getInfo().type + ", the demo compares FLOAT outputs only");
                    }
                    float[] values = new float[fb.remaining()];
                    fb.get(values);
                    outputs.put(e.getKey(), Tensor.ofFloats(values, out.getInfo().getShape()));
                }
            }
            return outputs;
        } finally {
            ort.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
