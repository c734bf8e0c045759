package dev.jquant.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.io.Npy;
import dev.jquant.compressor.onnx.proto.OnnxProto.AttributeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.GraphProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ModelProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.NodeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TensorShapeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.TypeProto;
import dev.jquant.compressor.onnx.proto.OnnxProto.ValueInfoProto;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compress → inspect → run on a one-node ONNX model built here. */
class ModelCommandsTest {

    @TempDir
    Path dir;
    Path onnx;

    /** y = Transpose(x), x: FLOAT[batch, 3]; the output's name needs sanitizing as a file name. */
    @BeforeEach
    void writeOnnx() throws IOException {
        GraphProto graph = GraphProto.newBuilder().setName("tiny")
                .addInput(value("x", dim("batch"), dim(3)))
                .addOutput(value("out/y:0", dim(3), dim("batch")))
                .addNode(NodeProto.newBuilder().setName("t").setOpType("Transpose").addInput("x").addOutput("out/y:0")
                        .addAttribute(AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS)
                                .addInts(1).addInts(0)))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(graph).build();
        onnx = Files.write(dir.resolve("tiny.onnx"), model.toByteArray());
    }

    private static ValueInfoProto value(String name, TensorShapeProto.Dimension... dims) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder().addAllDim(
                        List.of(dims))))).build();
    }

    private static TensorShapeProto.Dimension dim(long size) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(size).build();
    }

    private static TensorShapeProto.Dimension dim(String symbol) {
        return TensorShapeProto.Dimension.newBuilder().setDimParam(symbol).build();
    }

    private Path compress() {
        Path jqm = dir.resolve("tiny.jqm");
        CliRun r = CliRun.of("compress", onnx.toString(), "-o", jqm.toString());
        assertEquals(0, r.exitCode(), r.err());
        return jqm;
    }

    @Test
    void compressReportsSizesAndNodeCounts() {
        CliRun r = CliRun.of("compress", onnx.toString());
        assertEquals(0, r.exitCode(), r.err());
        Path jqm = dir.resolve("tiny.jqm");
        assertTrue(Files.isRegularFile(jqm), "the default output is IN.jqm");
        String[] lines = r.out().split("\n");
        assertEquals(3, lines.length, r.out());
        assertTrue(lines[0].matches(".*tiny\\.onnx +\\d+ B +1 nodes +\\(ONNX, opset 13\\)"), lines[0]);
        assertTrue(lines[1].matches(".*tiny\\.jqm +[\\d.]+ (B|KiB) +1 nodes +\\(\\.jqm, fp32, 0 tensors\\)"), lines[1]);
        assertTrue(lines[2].startsWith("compressed in "), lines[2]);
        assertTrue(r.err().startsWith("importing " + onnx), r.err());
    }

    @Test
    void inspectShowsInterfaceOperatorsAndChecksums() {
        Path jqm = compress();
        CliRun r = CliRun.of("inspect", jqm.toString());
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.startsWith(jqm + ": .jqm 1.0, "), out);
        assertTrue(out.contains("graph 'tiny', opset 13"), out);
        assertTrue(out.contains("inputs:\n  x: FLOAT32[batch, 3]\n"), out);
        assertTrue(out.contains("outputs:\n  out/y:0: FLOAT32[3, batch]\n"), out);
        assertTrue(out.contains("nodes: 1\n  Transpose"), out);
        assertTrue(out.contains("tensors: 0, 0 B"), out);
        assertTrue(out.matches("(?s).*\n  GRAPH +\\d+ +\\d+  [0-9a-f]{8}  ok\n.*"), out);
        assertTrue(out.endsWith("signature: none\n"), out);
        assertTrue(CliRun.of("inspect", jqm.toString(), "--no-verify").out().contains("  not verified\n"));
    }

    @Test
    void runWritesEachOutputAsNpy() throws IOException {
        Path jqm = compress();
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        Path outDir = dir.resolve("out");
        CliRun r = CliRun.of("run", jqm.toString(), "--input", "x=" + x, "--out", outDir.toString(), "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        Path y = outDir.resolve("out_y_0.npy");
        assertTrue(r.out().startsWith("out/y:0  FLOAT32[3, 2]  -> " + y + "\n"), r.out());
        assertTrue(r.out().matches("(?s).*ran in [\\d.]+ ms on backend \\w+ with 1 thread\n"), r.out());
        Tensor result = Npy.read(y);
        assertArrayEquals(new long[] {3, 2}, result.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, result.toFloatArray());
    }

    @Test
    void runNamesTheInputsTheModelExpects() throws IOException {
        Path jqm = compress();
        Path x = dir.resolve("x.npy");
        Npy.write(x, Tensor.ofFloats(new float[] {1, 2, 3}, 1, 3));
        CliRun r = CliRun.of("run", jqm.toString(), "-i", "z=" + x, "--out", dir.toString());
        assertEquals(1, r.exitCode());
        assertArrayEquals(new String[] {"jquant: unknown input 'z', expected one of [x]"}, r.errLines());
        Npy.write(x, Tensor.ofLongs(new long[] {1, 2, 3}, 1, 3));
        r = CliRun.of("run", jqm.toString(), "-i", "x=" + x, "--out", dir.toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.errLines()[0].startsWith("jquant: input 'x' must be FLOAT32, was INT64"), r.err());
    }

    @Test
    void outputFileNamesAreSanitizedAndKeptApart() {
        Set<String> used = new HashSet<>();
        assertEquals("out_y_0.npy", RunCommand.fileName("out/y:0", used));
        assertEquals("out_y_0_2.npy", RunCommand.fileName("out y 0", used));
        assertEquals("a-b.c_d.npy", RunCommand.fileName("a-b.c_d", used));
        assertEquals("output.npy", RunCommand.fileName("", used));
    }

    @Test
    void backendsListsTheJavaBackendAndTheKernelChoice() {
        CliRun r = CliRun.of("backends");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().matches("(?s)(.*\n)?java +available +.*"), r.out());
        assertTrue(r.out().contains("\nkernels: "), r.out());
    }
}
