package dev.jquant.compressor.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.UnsupportedOperatorException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every model of the ONNX backend node tests either imports or is refused with an
 * {@link UnsupportedOperatorException}; nothing else may escape, whatever the runtime supports today.
 */
class NodeTestModelsImportTest {

    private static final Path NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");

    @Test
    void everyNodeTestModelImportsOrIsUnsupported() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(NODE_TESTS), "ONNX node tests not installed (libonnx-testdata)");
        List<Path> models;
        try (Stream<Path> dirs = Files.list(NODE_TESTS)) {
            models = dirs.map(d -> d.resolve("model.onnx")).filter(Files::isRegularFile).sorted().toList();
        }
        int imported = 0;
        Map<String, Integer> refusedOps = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (Path model : models) {
            try {
                OnnxImporter.importModel(model);
                imported++;
            } catch (UnsupportedOperatorException e) {
                refusedOps.merge(e.opType(), 1, Integer::sum);
                assertTrue(e.getMessage().contains(e.nodeName()), e.getMessage());
            } catch (IOException | RuntimeException e) {
                failures.add(NODE_TESTS.relativize(model) + ": " + e);
            }
        }
        System.out.printf("ONNX node test models: %d, imported %d, unsupported %d %s%n", models.size(), imported,
                models.size() - imported - failures.size(), refusedOps);
        assertTrue(models.size() > 100, "found only " + models.size() + " node test models");
        assertTrue(failures.isEmpty(), failures.size() + " models failed otherwise:\n" + String.join("\n", failures));
    }
}
