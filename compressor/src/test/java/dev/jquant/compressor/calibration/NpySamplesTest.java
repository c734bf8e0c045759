package dev.jquant.compressor.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jquant.compressor.io.Npy;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpySamplesTest {
    static final ValueInfo IMAGE = new ValueInfo("image", DType.FLOAT32,
            List.of(Dim.symbolic("batch"), Dim.fixed(3)));
    static final ValueInfo IDS = new ValueInfo("input_ids", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("seq")));
    static final ValueInfo MASK = new ValueInfo("attention_mask", DType.INT64, List.of(Dim.symbolic("batch"), Dim.symbolic("seq")));

    @TempDir
    Path dir;

    private Path write(String relative, Tensor t) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Npy.write(file, t);
        return file;
    }

    private String openError(List<ValueInfo> inputs) {
        return assertThrows(IOException.class, () -> NpySamples.open(dir, inputs)).getMessage();
    }

    @Test
    void oneInputModelTakesOneFilePerSampleInNameOrder() throws IOException {
        write("b.npy", Tensor.ofFloats(new float[] {4, 5, 6}, 1, 3));
        write("a.npy", Tensor.ofFloats(new float[] {1, 2, 3, 7, 8, 9}, 2, 3));
        Files.writeString(dir.resolve(".DS_Store"), "hidden entries are ignored");
        NpySamples samples = NpySamples.open(dir, List.of(IMAGE));
        assertEquals(2, samples.size());
        assertEquals(dir.resolve("a.npy").toString(), samples.describe(0));
        Map<String, Tensor> first = samples.load(0);
        assertEquals(List.of("image"), List.copyOf(first.keySet()));
        assertArrayEquals(new float[] {1, 2, 3, 7, 8, 9}, first.get("image").toFloatArray());
        assertArrayEquals(new float[] {4, 5, 6}, samples.load(1).get("image").toFloatArray());
    }

    @Test
    void multiInputModelTakesOneDirectoryPerSample() throws IOException {
        write("s1/input_ids.npy", Tensor.ofLongs(new long[] {101, 7, 102}, 1, 3));
        write("s1/attention_mask.npy", Tensor.ofLongs(new long[] {1, 1, 1}, 1, 3));
        write("s2/input_ids.npy", Tensor.ofLongs(new long[] {101, 102}, 1, 2));
        write("s2/attention_mask.npy", Tensor.ofLongs(new long[] {1, 1}, 1, 2));
        NpySamples samples = NpySamples.open(dir, List.of(IDS, MASK));
        assertEquals(2, samples.size());
        assertEquals(dir.resolve("s2").toString(), samples.describe(1));
        Map<String, Tensor> second = samples.load(1);
        assertArrayEquals(new long[] {101, 102}, second.get("input_ids").toLongArray());
        assertArrayEquals(new long[] {1, 1}, second.get("attention_mask").toLongArray());
    }

    @Test
    void inputNamesWithSlashesOrColonsAreStoredWithUnderscores() throws IOException {
        ValueInfo tfName = new ValueInfo("serving/input:0", DType.FLOAT32, null);
        assertEquals("serving_input_0.npy", NpySamples.fileName(tfName));
        write("s/serving_input_0.npy", Tensor.ofFloats(new float[] {1}, 1));
        write("s/mask.npy", Tensor.ofFloats(new float[] {1}, 1));
        NpySamples samples = NpySamples.open(dir, List.of(tfName, new ValueInfo("mask", DType.FLOAT32, null)));
        assertEquals(1f, samples.load(0).get("serving/input:0").getFloat(0));
    }

    @Test
    void aBadFileIsNamedWhenItsSampleIsLoaded() throws IOException {
        write("a.npy", Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3));
        Files.write(dir.resolve("b.npy"), new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0});
        NpySamples samples = NpySamples.open(dir, List.of(IMAGE));
        samples.load(0);
        IOException e = assertThrows(IOException.class, () -> samples.load(1));
        assertEquals(dir.resolve("b.npy") + ": truncated: 9 bytes, too short for the header length field", e.getMessage());
    }

    @Test
    void wrongTypeOrShapeNamesTheFileAndTheInput() throws IOException {
        Path doubles = write("s1.npy", Tensor.allocate(DType.FLOAT64, 1, 3));
        assertEquals(doubles + ": graph input image: FLOAT32[batch, 3] needs FLOAT32, the sample holds FLOAT64 "
                + "(convert it with arr.astype('<f4'))",
                assertThrows(IOException.class, () -> NpySamples.open(dir, List.of(IMAGE)).load(0)).getMessage());
        Files.delete(doubles);

        Path rank = write("s2.npy", Tensor.ofFloats(new float[] {1, 2, 3}, 3));
        assertEquals(rank + ": graph input image: FLOAT32[batch, 3] needs rank 2, the sample has shape [3]",
                assertThrows(IOException.class, () -> NpySamples.open(dir, List.of(IMAGE)).load(0)).getMessage());
        Files.delete(rank);

        Path width = write("s3.npy", Tensor.ofFloats(new float[] {1, 2, 3, 4}, 1, 4));
        assertEquals(width + ": graph input image: FLOAT32[batch, 3] needs dimension 1 to be 3, the sample has shape [1, 4]",
                assertThrows(IOException.class, () -> NpySamples.open(dir, List.of(IMAGE)).load(0)).getMessage());
    }

    @Test
    void layoutErrorsSayWhatIsExpected() throws IOException {
        String layout = "expected " + dir + "/<sample>.npy (one-input models) or " + dir + "/<sample>/<input name>.npy";
        assertEquals(dir + ": no calibration samples; " + layout, openError(List.of(IMAGE)));

        Path missing = dir.resolve("absent");
        assertEquals(missing + ": no such directory; calibration samples are a directory of .npy files",
                assertThrows(IOException.class, () -> NpySamples.open(missing, List.of(IMAGE))).getMessage());

        write("a.npy", Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3));
        assertEquals(dir + ": holds .npy files directly, which feeds a model with one input, but the model has 2 "
                + "inputs [input_ids, attention_mask]; put each sample in its own directory: " + dir
                + "/<sample>/<input name>.npy", openError(List.of(IDS, MASK)));

        write("s1/input_ids.npy", Tensor.ofLongs(new long[] {1}, 1, 1));
        assertEquals(dir + ": holds both .npy files (e.g. a.npy) and sample directories (e.g. s1); " + layout,
                openError(List.of(IDS, MASK)));
        Files.delete(dir.resolve("a.npy"));

        assertEquals(dir.resolve("s1") + ": no attention_mask.npy for graph input attention_mask: INT64[batch, seq]",
                openError(List.of(IDS, MASK)));

        write("s1/attention_mask.npy", Tensor.ofLongs(new long[] {1}, 1, 1));
        write("s1/token_type_ids.npy", Tensor.ofLongs(new long[] {0}, 1, 1));
        assertEquals(dir.resolve("s1/token_type_ids.npy") + ": no graph input is stored under this name; a sample "
                + "directory holds exactly [input_ids.npy, attention_mask.npy] for the graph inputs "
                + "[input_ids, attention_mask]", openError(List.of(IDS, MASK)));
        Files.delete(dir.resolve("s1/token_type_ids.npy"));

        Files.writeString(dir.resolve("notes.txt"), "not a sample");
        assertEquals(dir.resolve("notes.txt") + ": not a .npy file; " + layout, openError(List.of(IDS, MASK)));
    }
}
