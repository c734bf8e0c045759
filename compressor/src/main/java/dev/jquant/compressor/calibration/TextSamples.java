package dev.jquant.compressor.calibration;

import dev.jquant.compressor.text.WordPieceTokenizer;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration samples for a text model: each sentence, tokenized with the model's own tokenizer, is one
 * sample of batch 1 at its own length, so no padding enters the statistics. The graph inputs are fed by
 * name from the tokenizer's {@code input_ids}, {@code attention_mask} and {@code token_type_ids}; a graph
 * that declares only some of them gets only those, and one that declares any other input cannot be fed.
 */
public final class TextSamples implements SampleSource {
    private static final List<String> TOKENIZER_OUTPUTS = List.of("input_ids", "attention_mask", "token_type_ids");

    private final List<String> sentences;
    private final WordPieceTokenizer tokenizer;
    private final List<ValueInfo> inputs;

    private TextSamples(List<String> sentences, WordPieceTokenizer tokenizer, List<ValueInfo> inputs) {
        this.sentences = sentences;
        this.tokenizer = tokenizer;
        this.inputs = inputs;
    }

    /**
     * @throws IllegalArgumentException when there are no sentences, or a graph input is not one the
     *         tokenizer produces or is not an INT64 or INT32 tensor
     */
    public static TextSamples of(List<String> sentences, WordPieceTokenizer tokenizer, List<ValueInfo> inputs) {
        if (sentences.isEmpty()) {
            throw new IllegalArgumentException("no calibration sentences");
        }
        for (ValueInfo input : inputs) {
            if (!TOKENIZER_OUTPUTS.contains(input.name())) {
                throw new IllegalArgumentException("graph input " + input + " cannot be fed from sentences: the "
                        + "tokenizer produces " + TOKENIZER_OUTPUTS + "; calibrate this model with .npy samples");
            }
            if (input.dtype() != DType.INT64 && input.dtype() != DType.INT32) {
                throw new IllegalArgumentException("graph input " + input + " cannot take token ids: it is "
                        + input.dtype() + ", expected INT64 or INT32");
            }
        }
        return new TextSamples(List.copyOf(sentences), tokenizer, List.copyOf(inputs));
    }

    /** One sentence per line of a UTF-8 text file; blank lines are skipped. */
    public static TextSamples fromFile(Path file, WordPieceTokenizer tokenizer, List<ValueInfo> inputs)
            throws IOException {
        List<String> sentences = Files.readAllLines(file).stream().filter(line -> !line.isBlank()).toList();
        if (sentences.isEmpty()) {
            throw new IOException(file + ": no calibration sentences (the file has no non-blank line)");
        }
        return of(sentences, tokenizer, inputs);
    }

    @Override
    public int size() {
        return sentences.size();
    }

    @Override
    public Map<String, Tensor> load(int index) throws IOException {
        Map<String, Tensor> encoded = tokenizer.encodeBatch(List.of(sentences.get(index))).asMap();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ValueInfo input : inputs) {
            Tensor ids = encoded.get(input.name());
            Tensor tensor = input.dtype() == DType.INT32 ? narrow(ids) : ids;
            String problem = SampleInputs.mismatch(input, tensor);
            if (problem != null) {
                throw new IOException(describe(index) + ": " + problem);
            }
            tensors.put(input.name(), tensor);
        }
        return tensors;
    }

    /** Token ids and masks as INT32, for models exported with 32-bit ids (vocabularies fit easily). */
    private static Tensor narrow(Tensor ids) {
        long[] values = ids.toLongArray();
        int[] narrowed = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            narrowed[i] = Math.toIntExact(values[i]);
        }
        return Tensor.ofInts(narrowed, ids.shape());
    }

    @Override
    public String describe(int index) {
        String sentence = sentences.get(index);
        String shown = sentence.length() <= 40 ? sentence : sentence.substring(0, 37) + "...";
        return "sentence " + (index + 1) + " \"" + shown + "\"";
    }
}
