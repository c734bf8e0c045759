package dev.jquant.compressor.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Compressor;
import dev.jquant.compressor.Progress;
import dev.jquant.compressor.models.MiniLmFixture;
import dev.jquant.compressor.text.WordPieceTokenizer;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Calibration of the real all-MiniLM-L6-v2 on sentences tokenized with its own tokenizer.json. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CalibratorMiniLmTest {
    static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Quantization maps real numbers onto a small grid of integers.",
            "A histogram of activations needs no more memory as more samples arrive.",
            "Is it raining in Lisbon today?",
            "Hello!",
            "Calibration chooses, for every activation, the range that loses the least information when rounded.",
            "Sentence embeddings place similar meanings close together.",
            "Java's Vector API runs SIMD instructions without native code.");

    private Graph graph;
    private WordPieceTokenizer tokenizer;

    @BeforeAll
    void load() throws Exception {
        Path dir = Files.createTempDirectory("jquant-calibration");
        graph = Compressor.importAndOptimize(MiniLmFixture.extract(MiniLmFixture.MODEL_RESOURCE, dir));
        try (InputStream in = MiniLmFixture.class.getResourceAsStream(MiniLmFixture.TOKENIZER_RESOURCE)) {
            tokenizer = WordPieceTokenizer.load(in, MiniLmFixture.TOKENIZER_RESOURCE);
        }
    }

    @Test
    void everyMatMulActivationGetsARange() throws Exception {
        List<String> values = Calibrator.activationInputs(graph);
        List<Node> matMuls = graph.nodes().stream().filter(n -> n.opType().equals("MatMul")).toList();
        assertTrue(matMuls.size() >= 6 * 6, matMuls.size() + " MatMul nodes");
        for (Node n : matMuls) {
            assertTrue(values.contains(n.input(0)), "input 0 of " + n.name() + " is not observed");
        }
        TextSamples samples = TextSamples.of(SENTENCES, tokenizer, graph.inputs());
        for (CalibrationMethod method : CalibrationMethod.values()) {
            CalibrationOptions options = CalibrationOptions.builder().method(method).scheme(ActivationScheme.UINT8).build();
            CalibrationResult result = Calibrator.calibrate(graph, values, samples, options, Progress.NONE);
            assertEquals(values, List.copyOf(result.values().keySet()));
            for (CalibratedValue v : result.values().values()) {
                String what = method + " " + v;
                assertTrue(v.observed().min() < v.observed().max(), what);
                assertTrue(v.clip().min() >= v.observed().min() && v.clip().max() <= v.observed().max(), what);
                assertTrue(v.clip().max() > v.clip().min(), what);
                assertEquals(ActivationQuantization.of(v.clip(), ActivationScheme.UINT8), v.quantization(), what);
            }
        }
    }

    /**
     * Used memory (heap, and native tensor memory, which the JDK counts in the "direct" pool) after the 8th
     * sample and after the 48th, the same 8 sentences again and again so that the session's plans are all
     * built by the first measurement. Keeping each run's observed outputs (about 1 MiB for a sentence of a
     * dozen tokens across MiniLM's MatMul inputs) would add some 50 MiB between the two
     * (measured by keeping them).
     */
    @Test
    void memoryDoesNotGrowWithTheNumberOfSamples() throws Exception {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            many.addAll(SENTENCES);
        }
        long[] used = new long[2];
        Progress measuring = new Progress() {
            private int samples;
            private boolean running;

            @Override
            public void begin(String task, long total, String unit) {
                running = task.equals("calibrating");
            }

            @Override
            public void advance(long steps) {
                samples += running ? 1 : 0;
                if (running && (samples == SENTENCES.size() || samples == many.size())) {
                    used[samples == many.size() ? 1 : 0] = usedMemory();
                }
            }

            @Override
            public void end() {
                running = false;
            }
        };
        CalibrationOptions options = CalibrationOptions.builder().method(CalibrationMethod.PERCENTILE).build();
        Calibrator.calibrate(graph, Calibrator.activationInputs(graph), TextSamples.of(many, tokenizer, graph.inputs()),
                options, measuring);
        long growth = used[1] - used[0];
        assertTrue(used[0] > 0 && growth < 8 << 20, "memory grew by " + growth + " bytes from sample 8 to 48");
    }

    /**
     * Heap plus native ("direct" pool) bytes in use after collecting garbage. The pool is reached reflectively:
     * test sources compile inside the compressor's module, which does not read java.management, while the
     * tests run on the class path, which reads every module.
     */
    private static long usedMemory() {
        try {
            Class<?> poolType = Class.forName("java.lang.management.BufferPoolMXBean");
            Method platformBeans = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getPlatformMXBeans", Class.class);
            Object direct = null;
            for (Object pool : (List<?>) platformBeans.invoke(null, poolType)) {
                direct = poolType.getMethod("getName").invoke(pool).equals("direct") ? pool : direct;
            }
            Method memoryUsed = poolType.getMethod("getMemoryUsed");
            long used = 0;
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(50); // the native memory of collected tensors is freed by a cleaner thread
                Runtime runtime = Runtime.getRuntime();
                used = runtime.totalMemory() - runtime.freeMemory() + (long) memoryUsed.invoke(direct);
            }
            return used;
        } catch (ReflectiveOperationException | InterruptedException e) {
            throw new IllegalStateException("cannot measure memory use", e);
        }
    }

    @Test
    void sentencesFeedOnlyTheInputsTheGraphDeclares() throws IOException {
        List<Dim> dims = List.of(Dim.symbolic("batch"), Dim.symbolic("sequence"));
        ValueInfo ids = new ValueInfo("input_ids", DType.INT32, dims);
        ValueInfo mask = new ValueInfo("attention_mask", DType.INT64, dims);
        TextSamples samples = TextSamples.of(List.of("Hello world"), tokenizer, List.of(ids, mask));
        Map<String, Tensor> sample = samples.load(0);
        assertEquals(List.of("input_ids", "attention_mask"), List.copyOf(sample.keySet()));
        assertArrayEquals(new int[] {101, 7592, 2088, 102}, sample.get("input_ids").toIntArray());
        assertArrayEquals(new long[] {1, 1, 1, 1}, sample.get("attention_mask").toLongArray());
        assertEquals("sentence 1 \"Hello world\"", samples.describe(0));
    }

    @Test
    void inputsThatSentencesCannotFeedAreNamed() {
        ValueInfo pixels = new ValueInfo("pixel_values", DType.FLOAT32, null);
        assertEquals("graph input pixel_values: FLOAT32[?] cannot be fed from sentences: the tokenizer produces "
                + "[input_ids, attention_mask, token_type_ids]; calibrate this model with .npy samples",
                assertThrows(IllegalArgumentException.class,
                        () -> TextSamples.of(SENTENCES, tokenizer, List.of(pixels))).getMessage());
        ValueInfo floatIds = new ValueInfo("input_ids", DType.FLOAT32, null);
        assertEquals("graph input input_ids: FLOAT32[?] cannot take token ids: it is FLOAT32, expected INT64 or INT32",
                assertThrows(IllegalArgumentException.class,
                        () -> TextSamples.of(SENTENCES, tokenizer, List.of(floatIds))).getMessage());

        ValueInfo fixed = new ValueInfo("input_ids", DType.INT64, List.of(Dim.fixed(1), Dim.fixed(128)));
        TextSamples padded = TextSamples.of(List.of("Hello world"), tokenizer, List.of(fixed));
        assertEquals("sentence 1 \"Hello world\": graph input input_ids: INT64[1, 128] needs dimension 1 to be 128, "
                + "the sample has shape [1, 4]", assertThrows(IOException.class, () -> padded.load(0)).getMessage());
    }
}
