package dev.jquant.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportTest {

    @TempDir
    Path dir;

    @Test
    void holdsTheMachineTheMediansTheRatiosAndTheRawSamples() throws Exception {
        Path file = dir.resolve("sub/result.json");
        JsonReport.write(file, SampleResults.result("model.jqm"));
        String text = Files.readString(file);
        JsonObject root = JsonParser.parseString(text).getAsJsonObject();

        assertEquals("model.jqm", root.get("model").getAsString());
        assertEquals("model.onnx", root.get("peer").getAsString());
        JsonObject machine = root.getAsJsonObject("machine");
        assertEquals("Test CPU <8 cores> & more", machine.get("cpu").getAsString());
        assertEquals(8, machine.get("cores").getAsInt());
        for (String key : new String[] {"jdk", "os", "jquant", "onnxruntime", "kernels"}) {
            assertTrue(machine.has(key), key);
        }
        assertEquals("3", root.getAsJsonObject("settings").get("runs").getAsString());

        JsonArray configs = root.getAsJsonArray("configurations");
        assertEquals(2, configs.size());
        JsonObject first = configs.get(0).getAsJsonObject();
        assertEquals(1, first.get("batch").getAsInt());
        assertEquals(16, first.get("seq").getAsInt());
        assertEquals(2, first.get("threads").getAsInt());
        assertEquals(1.5, first.getAsJsonObject("median_ms").get("java").getAsDouble());
        assertEquals(1.0, first.getAsJsonObject("median_ms").get("onnxruntime").getAsDouble());
        assertEquals(1.5, first.getAsJsonObject("ratio_to_onnxruntime").get("java").getAsDouble());
        assertFalse(first.getAsJsonObject("ratio_to_onnxruntime").has("onnxruntime"), "no ratio of the peer to itself");

        JsonArray engines = first.getAsJsonArray("engines");
        assertEquals(2, engines.size());
        JsonObject java = engines.get(0).getAsJsonObject();
        assertEquals("java", java.get("engine").getAsString());
        assertFalse(java.get("peer").getAsBoolean());
        assertEquals("[1.4,1.5,1.6]", java.getAsJsonArray("samples_ms").toString());
        JsonObject stats = java.getAsJsonObject("stats");
        assertEquals(3, stats.get("runs").getAsInt());
        assertEquals(1.58, stats.get("p90_ms").getAsDouble(), 1e-9);
        assertEquals(1.4, stats.get("min_ms").getAsDouble(), 1e-9);
        assertEquals(666.7, stats.get("items_per_s").getAsDouble(), 1e-9);
        assertTrue(engines.get(1).getAsJsonObject().get("peer").getAsBoolean());

        JsonObject second = configs.get(1).getAsJsonObject();
        assertEquals(0.75, second.getAsJsonObject("ratio_to_onnxruntime").get("java").getAsDouble(), 1e-9);
        JsonObject peerStats = second.getAsJsonArray("engines").get(1).getAsJsonObject().getAsJsonObject("stats");
        assertTrue(peerStats.get("noisy").getAsBoolean());

        JsonArray loads = root.getAsJsonArray("load_to_first_result");
        assertEquals(2, loads.size());
        JsonObject load = loads.get(0).getAsJsonObject();
        assertEquals("java", load.get("engine").getAsString());
        assertEquals(250.0, load.get("total_ms").getAsDouble(), 1e-9);
        assertTrue(load.get("first_in_process").getAsBoolean());

        JsonArray warnings = root.getAsJsonArray("warnings");
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).getAsString().startsWith("warning: batch 8, seq 16, 2 threads, ONNX Runtime 1.20.0: "),
                warnings.toString());
        assertTrue(text.contains("\"samples_ms\": [1.4, 1.5, 1.6]"), "samples on one line:\n" + text);
    }
}
