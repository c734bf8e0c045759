package dev.jquant.compressor.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.Progress;
import dev.jquant.compressor.io.Npy;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.InferenceException;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibrator on a graph small enough to compute every observed value by hand. */
class CalibratorTest {
    /** x[batch, 2] -> MatMul(w) -> h -> Relu -> r -> MatMul(w2) -> y, and a Shape node whose output is INT64. */
    static final float[] W = {1, -2, 0.5f, 3};
    static final float[] W2 = {2, -1};

    @TempDir
    Path dir;

    static Graph graph() {
        ValueInfo x = new ValueInfo("x", DType.FLOAT32, List.of(Dim.symbolic("batch"), Dim.fixed(2)));
        List<Node> nodes = List.of(
                new Node("mm1", "MatMul", List.of("x", "w"), List.of("h"), Map.of()),
                new Node("relu", "Relu", List.of("h"), List.of("r"), Map.of()),
                new Node("mm2", "MatMul", List.of("r", "w2"), List.of("y"), Map.of()),
                new Node("shape", "Shape", List.of("r"), List.of("s"), Map.of()));
        return new Graph("tiny", 13, List.of(x), List.of(new ValueInfo("y", DType.FLOAT32, null),
                new ValueInfo("s", DType.INT64, null)), nodes,
                Map.of("w", Tensor.ofFloats(W, 2, 2), "w2", Tensor.ofFloats(W2, 2, 1)), Map.of());
    }

    /** Progress calls, as text. */
    static final class Recorder implements Progress {
        final List<String> calls = new ArrayList<>();

        @Override
        public void begin(String task, long total, String unit) {
            calls.add("begin " + task + " " + total + " " + unit);
        }

        @Override
        public void advance(long steps) {
            calls.add("advance " + steps);
        }

        @Override
        public void end() {
            calls.add("end");
        }
    }

    @Test
    void activationInputsAreTheMatMulInputsThatAreNotWeights() {
        assertEquals(List.of("x", "r"), Calibrator.activationInputs(graph()));
    }

    @Test
    void minMaxOverNpySamplesIsExactlyTheExtremesOfEachValue() throws Exception {
        Random random = new Random(3);
        float[] xMin = {Float.MAX_VALUE};
        float[] xMax = {-Float.MAX_VALUE};
        float rMax = 0;
        for (int s = 0; s < 5; s++) {
            int batch = 1 + s;
            float[] x = new float[batch * 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (random.nextGaussian() * 3);
                xMin[0] = Math.min(xMin[0], x[i]);
                xMax[0] = Math.max(xMax[0], x[i]);
            }
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < 2; j++) {
                    rMax = Math.max(rMax, Math.max(0, x[2 * b] * W[j] + x[2 * b + 1] * W[2 + j]));
                }
            }
            Npy.write(dir.resolve("sample" + s + ".npy"), Tensor.ofFloats(x, batch, 2));
        }
        Graph g = graph();
        Recorder progress = new Recorder();
        CalibrationResult result = Calibrator.calibrate(g, Calibrator.activationInputs(g),
                NpySamples.open(dir, g.inputs()), CalibrationOptions.builder().build(), progress);

        assertEquals(5, result.samples());
        assertEquals(List.of("x", "r"), List.copyOf(result.values().keySet()));
        CalibratedValue x = result.get("x");
        assertEquals(new Range(xMin[0], xMax[0]), x.observed());
        assertEquals(x.observed(), x.clip());
        assertEquals(ActivationQuantization.of(x.clip(), ActivationScheme.UINT8), x.quantization());
        CalibratedValue r = result.get("r");
        assertEquals(0f, r.observed().min());
        assertEquals(rMax, r.observed().max(), 1e-5f);
        assertEquals(0, r.quantization().zeroPoint());
        assertEquals(List.of("begin calibrating 5 samples", "advance 1", "advance 1", "advance 1", "advance 1",
                "advance 1", "end", "begin choosing ranges 2 values", "advance 1", "advance 1", "end"), progress.calls);
    }

    @Test
    void everyMethodGivesARangeInsideWhatWasObserved() throws Exception {
        Random random = new Random(4);
        for (int s = 0; s < 3; s++) {
            float[] x = new float[64 * 2];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            Npy.write(dir.resolve("sample" + s + ".npy"), Tensor.ofFloats(x, 64, 2));
        }
        Graph g = graph();
        for (CalibrationMethod method : CalibrationMethod.values()) {
            CalibrationOptions options = CalibrationOptions.builder().method(method).scheme(ActivationScheme.INT8).build();
            CalibrationResult result = Calibrator.calibrate(g, List.of("r", "y"), NpySamples.open(dir, g.inputs()),
                    options, Progress.NONE);
            for (CalibratedValue v : result.values().values()) {
                float observed = Math.max(-v.observed().min(), v.observed().max());
                float clip = Math.max(-v.clip().min(), v.clip().max());
                assertTrue(clip <= observed && clip > 0, method + " " + v);
                assertEquals(clip / 127, v.quantization().scale(), 1e-6f, method + " " + v);
                assertEquals(0, v.quantization().zeroPoint(), method + " " + v);
            }
        }
    }

    @Test
    void valuesThatCannotBeCalibratedAreRejected() throws IOException {
        Npy.write(dir.resolve("a.npy"), Tensor.ofFloats(new float[] {1, 2}, 1, 2));
        Graph g = graph();
        NpySamples samples = NpySamples.open(dir, g.inputs());
        CalibrationOptions options = CalibrationOptions.builder().build();
        assertEquals("value 'w' is a constant (an initializer), not an activation; only values computed at run time "
                + "can be calibrated", assertThrows(IllegalArgumentException.class,
                () -> Calibrator.calibrate(g, List.of("x", "w"), samples, options, Progress.NONE)).getMessage());
        assertEquals("value 'nope' is neither a graph input nor the output of a node of graph 'tiny'",
                assertThrows(IllegalArgumentException.class,
                        () -> Calibrator.calibrate(g, List.of("nope"), samples, options, Progress.NONE)).getMessage());
        assertEquals("value 's' is INT64[2]; only FLOAT32 values can be calibrated",
                assertThrows(IllegalArgumentException.class,
                        () -> Calibrator.calibrate(g, List.of("s"), samples, options, Progress.NONE)).getMessage());
    }

    @Test
    void aFailingRunNamesItsSampleAndTheProgressIsEnded() {
        Graph g = graph();
        SampleSource inconsistent = new SampleSource() {
            @Override
            public int size() {
                return 1;
            }

            @Override
            public Map<String, Tensor> load(int index) {
                return Map.of("x", Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3));
            }

            @Override
            public String describe(int index) {
                return "sample zero";
            }
        };
        Recorder progress = new Recorder();
        InferenceException e = assertThrows(InferenceException.class, () -> Calibrator.calibrate(g, List.of("x"),
                inconsistent, CalibrationOptions.builder().build(), progress));
        assertTrue(e.getMessage().startsWith("sample zero: input 'x' dimension 1 must be 2"), e.getMessage());
        assertEquals(List.of("begin calibrating 1 samples", "end"), progress.calls);
    }
}
