package dev.jquant.compressor.format;

import static dev.jquant.compressor.format.GraphAssertions.assertGraphEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.format.SampleGraphs.Quantized;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.JqmFile;
import dev.jquant.runtime.format.JqmFormat;
import dev.jquant.runtime.format.JqmReader;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.format.SectionInfo;
import dev.jquant.runtime.format.SectionKind;
import dev.jquant.runtime.format.SignatureStatus;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JqmRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void graphAndTensorsSurviveWriteAndReadBitForBit() throws IOException {
        Graph graph = SampleGraphs.mixed();
        Path file = dir.resolve("mixed.jqm");
        JqmWriter.write(graph, file);
        try (JqmFile jqm = JqmReader.open(file)) {
            assertGraphEquals(graph, jqm.graph());
            assertEquals(graph.metadata(), jqm.metadata());
            assertEquals(JqmFormat.MAJOR_VERSION, jqm.majorVersion());
            assertEquals(JqmFormat.MINOR_VERSION, jqm.minorVersion());
            assertEquals(Files.size(file), jqm.fileSize());
            assertEquals(file, jqm.path());
            assertEquals(SignatureStatus.ABSENT, jqm.signature());
            assertEquals(List.of(SectionKind.METADATA, SectionKind.GRAPH, SectionKind.TENSOR_DIRECTORY, SectionKind.DATA),
                    jqm.sections().stream().map(s -> s.kind().orElseThrow()).toList());
            assertTrue(jqm.sections().stream().allMatch(SectionInfo::verified), "every CRC verified");
            assertEquals(Optional.empty(), jqm.quantization("conv.weight"));
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> jqm.quantization("nope"));
            assertTrue(unknown.getMessage().contains("conv.weight"), unknown.getMessage());
        }
    }

    @Test
    void everyTensorIsAZeroCopyViewOfTheMappingOnA64ByteBoundary() throws IOException {
        Graph graph = SampleGraphs.mixed();
        Path file = dir.resolve("aligned.jqm");
        JqmWriter.write(graph, file);
        JqmBytes bytes = JqmBytes.of(file);
        long dataStart = bytes.sectionOffset(SectionKind.DATA);
        assertEquals(0, dataStart % 64, "DATA section offset");
        try (JqmFile jqm = JqmReader.open(file)) {
            for (var e : jqm.graph().initializers().entrySet()) {
                Tensor t = e.getValue();
                assertTrue(t.data().isMapped(), e.getKey() + " is mapped");
                assertTrue(t.data().isReadOnly(), e.getKey() + " is read-only");
                assertFalse(t.data().heapBase().isPresent(), e.getKey() + " is not on the heap");
                assertEquals(0, t.data().address() % 64, e.getKey() + " address is 64-byte aligned");
            }
        }
        // the file offsets themselves, read from the directory entry that follows each name
        for (String name : graph.initializers().keySet()) {
            Tensor t = graph.initializers().get(name);
            long entry = bytes.after(SectionKind.TENSOR_DIRECTORY, name);
            long dataOffset = bytes.i64(entry + 8 + 8L * t.rank());
            assertEquals(0, (dataStart + dataOffset) % 64, name + " file offset");
        }
    }

    @Test
    void tensorsAreInvalidAfterCloseAndCloseIsIdempotent() throws IOException {
        Path file = dir.resolve("close.jqm");
        JqmWriter.write(SampleGraphs.mixed(), file);
        JqmFile jqm = JqmReader.open(file);
        Tensor w = jqm.graph().initializers().get("conv.weight");
        w.getFloat(0);
        jqm.close();
        jqm.close();
        assertThrows(IllegalStateException.class, () -> w.getFloat(0));
    }

    @Test
    void quantizationDescriptorsRoundTrip() throws IOException {
        Quantized q = SampleGraphs.quantized();
        Path file = dir.resolve("quantized.jqm");
        JqmWriter.Options options = JqmWriter.Options.defaults();
        for (Map.Entry<String, QuantizationDescriptor> e : q.descriptors().entrySet()) {
            options = options.withQuantization(e.getKey(), e.getValue());
        }
        JqmWriter.write(q.graph(), file, options);
        try (JqmFile jqm = JqmReader.open(file)) {
            assertGraphEquals(q.graph(), jqm.graph());
            assertEquals(q.descriptors(), jqm.quantizedTensors());
            assertEquals(Optional.of(q.descriptors().get("w4")), jqm.quantization("w4"));
            assertEquals(Optional.empty(), jqm.quantization("w4.scale"));
        }
    }

    @Test
    void writerRefusesADescriptorThatDoesNotFitItsTensors() {
        Quantized q = SampleGraphs.quantized();
        var wrongScale = QuantizationDescriptor.linear(8, true, 1, 0, "wq.scale", null, new long[] {4, 6});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JqmWriter.write(q.graph(),
                dir.resolve("bad.jqm"), JqmWriter.Options.defaults().withQuantization("wq", wrongScale)));
        assertTrue(e.getMessage().contains("tensor 'wq'") && e.getMessage().contains("scale: shape [4]"), e.getMessage());
        var missing = QuantizationDescriptor.codebook(2, "no such", new long[] {4, 6});
        e = assertThrows(IllegalArgumentException.class, () -> JqmWriter.write(q.graph(), dir.resolve("bad.jqm"),
                JqmWriter.Options.defaults().withQuantization("wc", missing)));
        assertTrue(e.getMessage().contains("codebook: no tensor named 'no such'"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("bad.jqm")));
    }

    @Test
    void writerReplacesTheTargetAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("model.jqm");
        Files.writeString(file, "old content");
        JqmWriter.write(SampleGraphs.mixed(), file);
        try (JqmFile jqm = JqmReader.open(file)) {
            assertEquals("tiny-net", jqm.graph().name());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writerRefusesWhatTheFormatCannotHold() {
        Graph graph = SampleGraphs.mixed();
        Graph tooDeep = graph.withNodes(graph.nodes(), Map.of("deep", Tensor.allocate(DType.FLOAT32, new long[65])));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JqmWriter.write(tooDeep, dir.resolve("deep.jqm")));
        assertTrue(e.getMessage().contains("tensor 'deep': rank 65"), e.getMessage());
        Graph unnamed = graph.withNodes(graph.nodes(), Map.of("", Tensor.scalarLong(1)));
        e = assertThrows(IllegalArgumentException.class, () -> JqmWriter.write(unnamed, dir.resolve("unnamed.jqm")));
        assertTrue(e.getMessage().contains("empty name"), e.getMessage());
    }

    @Test
    void anEmptyGraphRoundTrips() throws IOException {
        Graph empty = new Graph("", 1, List.of(), List.of(), List.of(), Map.of(), Map.of());
        Path file = dir.resolve("empty.jqm");
        JqmWriter.write(empty, file);
        try (JqmFile jqm = JqmReader.open(file)) {
            assertGraphEquals(empty, jqm.graph());
        }
    }
}
