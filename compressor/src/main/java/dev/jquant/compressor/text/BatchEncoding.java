package dev.jquant.compressor.text;

import dev.jquant.runtime.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A batch of encoded texts, padded on the right to the longest: three INT64 tensors of shape
 * {@code [batch, sequence]}.
 *
 * @param inputIds token ids, padding positions hold the padding token's id
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param tokenTypeIds segment ids (0 for single sentences)
 */
public record BatchEncoding(Tensor inputIds, Tensor attentionMask, Tensor tokenTypeIds) {

    /** The tensors under the input names BERT-style models use: input_ids, attention_mask, token_type_ids. */
    public Map<String, Tensor> asMap() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("input_ids", inputIds);
        m.put("attention_mask", attentionMask);
        m.put("token_type_ids", tokenTypeIds);
        return m;
    }

    public int batchSize() {
        return (int) inputIds.dim(0);
    }

    public int sequenceLength() {
        return (int) inputIds.dim(1);
    }
}
