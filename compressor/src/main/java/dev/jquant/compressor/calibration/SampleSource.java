package dev.jquant.compressor.calibration;

import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.util.Map;

/**
 * The sample inputs a calibration run feeds the model, one at a time. A source reads or builds each
 * sample when asked and keeps none, so a run over thousands of samples holds one in memory.
 */
public interface SampleSource {

    /** Number of samples. */
    int size();

    /**
     * Sample {@code index}: a tensor for every graph input, by input name, checked against the graph's
     * declared types and shapes.
     *
     * @throws IOException when the sample cannot be read or does not fit the graph; the message names
     *         the file (or the sentence) and the graph input
     */
    Map<String, Tensor> load(int index) throws IOException;

    /** Names sample {@code index} for messages: its file or directory, or the sentence. */
    String describe(int index);
}
