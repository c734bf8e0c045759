package dev.jquant.cli.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.ValueInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputSynthesizerTest {

    @TempDir
    Path dir;

    @Test
    void bindsTokenInputsByPositionAndOthersByName() throws Exception {
        InputSynthesizer synthesizer = new InputSynthesizer(Compressor.importAndOptimize(TokenModel.write(dir)));
        assertTrue(synthesizer.usesBatch());
        assertTrue(synthesizer.usesSequence());
        Map<String, Tensor> in = synthesizer.inputs(2, 5, 7);
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids", "position_ids", "x"),
                List.copyOf(in.keySet()));
        // input_ids is declared [batch, batch]: bound by position, not by its careless names.
        for (String tokens : List.of("input_ids", "attention_mask", "token_type_ids", "position_ids")) {
            assertArrayEquals(new long[] {2, 5}, in.get(tokens).shape(), tokens);
            assertEquals(DType.INT64, in.get(tokens).dtype(), tokens);
        }
        assertArrayEquals(new long[] {2, 5, 4}, in.get("x").shape(), "x: [batch, sequence, 4] bound by name");
        assertEquals(DType.FLOAT32, in.get("x").dtype());

        assertTrue(Arrays.stream(in.get("attention_mask").toLongArray()).allMatch(v -> v == 1));
        assertTrue(Arrays.stream(in.get("token_type_ids").toLongArray()).allMatch(v -> v == 0));
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4}, in.get("position_ids").toLongArray());
        long[] ids = in.get("input_ids").toLongArray();
        assertTrue(Arrays.stream(ids).allMatch(v -> v >= 0 && v < TokenModel.VOCAB), Arrays.toString(ids));
        assertTrue(Arrays.stream(ids).distinct().count() > 1, "ids vary: " + Arrays.toString(ids));
        float[] x = in.get("x").toFloatArray();
        long negative = 0;
        for (float v : x) {
            negative += v < 0 ? 1 : 0;
        }
        assertTrue(negative > 5 && negative < x.length - 5, "standard normal values: " + Arrays.toString(x));

        Map<String, Tensor> again = synthesizer.inputs(2, 5, 7);
        assertArrayEquals(ids, again.get("input_ids").toLongArray(), "the same seed gives the same inputs");
        assertArrayEquals(x, again.get("x").toFloatArray());
        assertNotEquals(Arrays.toString(ids), Arrays.toString(synthesizer.inputs(2, 5, 8).get("input_ids").toLongArray()));
    }

    @Test
    void idsWithoutAnEmbeddingTableStayBelowTheFallbackRange() {
        InputSynthesizer synthesizer = new InputSynthesizer(graph(
                new ValueInfo("tokens", DType.INT32, List.of(Dim.symbolic("N"), Dim.symbolic("L")))));
        int[] ids = synthesizer.inputs(3, 64, 1).get("tokens").toIntArray();
        assertEquals(3 * 64, ids.length);
        assertTrue(Arrays.stream(ids).allMatch(v -> v >= 0 && v < InputSynthesizer.FALLBACK_ID_RANGE));
        assertTrue(Arrays.stream(ids).max().orElseThrow() > 100, "ids spread over the range");
    }

    @Test
    void aModelWithoutSequenceDimensionSaysSo() {
        InputSynthesizer synthesizer = new InputSynthesizer(graph(
                new ValueInfo("image", DType.FLOAT32, List.of(Dim.symbolic("batch_size"), Dim.fixed(3), Dim.fixed(8),
                        Dim.fixed(8)))));
        assertTrue(synthesizer.usesBatch());
        assertFalse(synthesizer.usesSequence());
        assertArrayEquals(new long[] {4, 3, 8, 8}, synthesizer.inputs(4, 0, 1).get("image").shape());
    }

    @Test
    void eightBitInputsSpreadOverTheirTypesRange() {
        InputSynthesizer synthesizer = new InputSynthesizer(graph(
                new ValueInfo("x", DType.UINT8, List.of(Dim.symbolic("batch"), Dim.fixed(4), Dim.fixed(16), Dim.fixed(16)))));
        Tensor x = synthesizer.inputs(2, 0, 1).get("x");
        assertEquals(DType.UINT8, x.dtype());
        assertArrayEquals(new long[] {2, 4, 16, 16}, x.shape());
        int[] values = new int[(int) x.elementCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = x.data().get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) & 0xFF;
        }
        assertTrue(Arrays.stream(values).max().orElseThrow() > 240 && Arrays.stream(values).min().orElseThrow() < 15,
                "values spread over 0..255");
    }

    @Test
    void anUnbindableDimensionIsNamed() {
        ValueInfo image = new ValueInfo("image", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(3),
                Dim.symbolic("height"), Dim.symbolic("width")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InputSynthesizer(graph(image)));
        assertEquals("cannot bind dimension 2 ('height') of input image: FLOAT32[batch, 3, height, width]: the bench "
                + "binds dimensions named like batch to --batch and like seq/len/token to --seq (and a rank-2 integer "
                + "input as [batch, seq]); any other must be fixed in the model", e.getMessage());
    }

    @Test
    void unsupportedTypesAndUnknownRanksAreErrors() {
        assertEquals("cannot synthesize input flags: BOOL[batch]: the bench makes FLOAT32, INT64, INT32, UINT8 and "
                + "INT8 inputs",
                assertThrows(IllegalArgumentException.class, () -> new InputSynthesizer(graph(
                        new ValueInfo("flags", DType.BOOL, List.of(Dim.symbolic("batch")))))).getMessage());
        assertEquals("cannot synthesize input x: FLOAT32[?]: the model does not declare its rank",
                assertThrows(IllegalArgumentException.class, () -> new InputSynthesizer(graph(
                        new ValueInfo("x", DType.FLOAT32, null)))).getMessage());
    }

    private static Graph graph(ValueInfo input) {
        return new Graph("g", 13, List.of(input), List.of(), List.of(), Map.of(), Map.of());
    }
}
