package dev.jquant.cli.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jquant.runtime.Tensor;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The peer: ONNX Runtime Java on the source {@code .onnx} file, in this process. Configured as a careful user
 * would for latency: all graph optimizations, sequential execution, {@code threads} intra-op threads (the
 * calling thread included, as in jquant) and one inter-op thread.
 */
final class OrtEngine implements Engine {

    static final String KEY = "onnxruntime";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();

    private OrtEngine(OrtEnvironment env, OrtSession session) {
        this.env = env;
        this.session = session;
    }

    /** Creates the session (the first call in a process also loads ONNX Runtime's native library). */
    static OrtEngine open(Path onnx, int threads) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            // ONNX Runtime's idle pool threads busy-wait for the next run by default; interleaved with another
            // engine, that spinning takes the cores the other engine's run needs. Idle threads sleep instead.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return new OrtEngine(env, env.createSession(onnx.toString(), options));
        }
    }

    /** e.g. {@code 1.20.0}, from the jar's manifest; {@code unknown} when the manifest does not say. */
    static String version() {
        String version = OrtEnvironment.class.getPackage().getImplementationVersion();
        return version == null ? "unknown" : version;
    }

    @Override
    public String key() {
        return KEY;
    }

    @Override
    public String name() {
        return "ONNX Runtime " + version();
    }

    @Override
    public boolean peer() {
        return true;
    }

    @Override
    public void use(Map<String, Tensor> given) throws OrtException {
        if (!session.getInputNames().equals(given.keySet())) {
            throw new IllegalArgumentException("the ONNX model's inputs " + new TreeSet<>(session.getInputNames())
                    + " are not the .jqm model's " + new TreeSet<>(given.keySet())
                    + "; --onnx must name the file the .jqm was compressed from");
        }
        closeInputs();
        for (Map.Entry<String, Tensor> e : given.entrySet()) {
            inputs.put(e.getKey(), toOrt(e.getValue()));
        }
    }

    private OnnxTensor toOrt(Tensor t) throws OrtException {
        return switch (t.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), t.shape());
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), t.shape());
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap(t.toIntArray()), t.shape());
            case UINT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.data().toArray(ValueLayout.JAVA_BYTE)), t.shape(),
                    OnnxJavaType.UINT8);
            case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap(t.data().toArray(ValueLayout.JAVA_BYTE)), t.shape(),
                    OnnxJavaType.INT8);
            default -> throw new IllegalArgumentException("the bench hands ONNX Runtime FLOAT32, INT64, INT32, UINT8 "
                    + "and INT8 inputs, not " + t.dtype());
        };
    }

    @Override
    public void run() throws OrtException {
        try (OrtSession.Result _ = session.run(inputs)) {
            // released at once; only the time counts
        }
    }

    private void closeInputs() {
        inputs.values().forEach(OnnxTensor::close);
        inputs.clear();
    }

    @Override
    public void close() throws OrtException {
        closeInputs();
        session.close();
    }
}
