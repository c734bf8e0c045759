package dev.jquant.cli;

import dev.jquant.cli.bench.InputSynthesizer;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.JqmFile;
import dev.jquant.runtime.format.JqmReader;
import dev.jquant.runtime.format.SectionInfo;
import dev.jquant.runtime.graph.Graph;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jquant inspect}: what a {@code .jqm} file holds, and whether its checksums and signature check out. */
@Command(name = "inspect",
        description = {"Describe a .jqm file: format version, metadata, inputs and outputs with their symbolic "
                + "dimensions, node counts by operator, tensor bytes by type and the largest tensors, and the "
                + "section table with each section's checksum status and the signature status.",
                "Every CRC32C is recomputed unless --no-verify is given; a mismatch is an error naming the section.",
                "With --plan, print instead the plan a session builds for inputs of --batch and --seq: which "
                        + "backend runs each node (a node the chosen backend cannot run falls back to Java, with "
                        + "the reason), its output shapes, and the arena size."},
        footerHeading = "%nExamples:%n",
        footer = {"  jquant inspect model.jqm",
                "  jquant inspect model.jqm --largest 25",
                "  jquant inspect damaged.jqm --no-verify   read a file whose checksums fail",
                "  jquant inspect minilm.jqm --plan --backend onednn --batch 8 --seq 16"})
final class InspectCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.jqm", description = "The file to describe.")
    Path file;

    @Option(names = "--largest", paramLabel = "N", defaultValue = "10",
            description = "How many of the largest tensors to list (default: ${DEFAULT-VALUE}).")
    int largest;

    @Option(names = "--no-verify", description = "Do not recompute the section checksums.")
    boolean noVerify;

    @Option(names = "--plan", description = "Print the execution plan instead of the file's contents.")
    boolean plan;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "With --plan: the batch size inputs are made with (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", paramLabel = "N", defaultValue = "128",
            description = "With --plan: the sequence length inputs are made with (default: ${DEFAULT-VALUE}).")
    int seq;

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (plan) {
            printPlan(out);
            return 0;
        }
        for (String planOnly : new String[] {"--batch", "--seq", "--backend", "--threads"}) {
            if (spec.commandLine().getParseResult().hasMatchedOption(planOnly)) {
                throw new ParameterException(spec.commandLine(), planOnly + " is only used with --plan");
            }
        }
        try (JqmFile jqm = JqmReader.open(file, JqmReader.Options.defaults().withVerifyChecksums(!noVerify))) {
            Graph g = jqm.graph();
            out.printf("%s: .jqm %d.%d, %s, graph '%s', opset %d%n", file, jqm.majorVersion(), jqm.minorVersion(),
                    Units.bytes(jqm.fileSize()), g.name(), g.opset());
            if (!jqm.metadata().isEmpty()) {
                out.println();
                out.println("metadata:");
                jqm.metadata().forEach((k, v) -> out.printf("  %s = %s%n", k, v));
            }
            printValues(out, "inputs", g.inputs());
            printValues(out, "outputs", g.outputs());
            printNodes(out, g.nodes());
            printTensors(out, jqm);
            printSections(out, jqm);
        }
        out.flush();
        return 0;
    }

    /** The plan for synthesized inputs (bound to --batch and --seq as the bench binds them), as the session prints it. */
    private void printPlan(PrintWriter out) throws Exception {
        if (batch < 1 || seq < 1) {
            throw new ParameterException(spec.commandLine(), "--batch and --seq must be at least 1, were " + batch
                    + " and " + seq);
        }
        try (Model model = Model.open(file, JqmReader.Options.defaults().withVerifyChecksums(!noVerify));
                Session s = model.newSession(session.options())) {
            Map<String, Tensor> inputs = new InputSynthesizer(model.graph()).inputs(batch, seq, 0);
            out.printf("%s: plan on backend %s (asked for %s), inputs %s%n", file, s.backendName(),
                    s.options().backend(), inputs.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
            out.print(s.describePlan(inputs));
        }
        out.flush();
    }

    private static void printValues(PrintWriter out, String title, List<ValueInfo> values) {
        out.println();
        out.println(title + ":");
        values.forEach(v -> out.println("  " + v));
    }

    private static void printNodes(PrintWriter out, List<Node> nodes) {
        out.println();
        out.println("nodes: " + nodes.size());
        Map<String, Long> byOp = nodes.stream().collect(Collectors.groupingBy(
                n -> n.domain().isEmpty() ? n.opType() : n.domain() + ":" + n.opType(), TreeMap::new, Collectors.counting()));
        byOp.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.printf("  %-24s %6d%n", e.getKey(), e.getValue()));
    }

    private void printTensors(PrintWriter out, JqmFile jqm) {
        Map<String, Tensor> tensors = jqm.graph().initializers();
        long total = tensors.values().stream().mapToLong(Tensor::byteSize).sum();
        out.println();
        out.printf("tensors: %d, %s%n", tensors.size(), Units.bytes(total));
        Map<DType, List<Tensor>> byType = tensors.values().stream()
                .collect(Collectors.groupingBy(Tensor::dtype, TreeMap::new, Collectors.toList()));
        byType.forEach((type, list) -> out.printf("  %-10s %6d tensors  %10s%n", type, list.size(),
                Units.bytes(list.stream().mapToLong(Tensor::byteSize).sum())));
        if (tensors.isEmpty() || largest <= 0) {
            return;
        }
        List<Map.Entry<String, Tensor>> biggest = tensors.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, Tensor> e) -> e.getValue().byteSize()).reversed())
                .limit(largest).toList();
        int width = biggest.stream().mapToInt(e -> e.getKey().length()).max().orElse(0);
        out.println("largest:");
        for (Map.Entry<String, Tensor> e : biggest) {
            out.printf("  %-" + width + "s  %-22s %10s%s%n", e.getKey(), e.getValue(), Units.bytes(e.getValue().byteSize()),
                    jqm.quantization(e.getKey()).map(q -> "  " + q).orElse(""));
        }
    }

    private void printSections(PrintWriter out, JqmFile jqm) {
        out.println();
        out.println("sections:");
        out.printf("  %-18s %12s %12s  %-8s  %s%n", "kind", "offset", "bytes", "crc32c", "checksum");
        for (SectionInfo s : jqm.sections()) {
            out.printf("  %-18s %12d %12d  %08x  %s%n", s.kindName(), s.offsetBytes(), s.lengthBytes(), s.crc32c(),
                    s.verified() ? "ok" : "not verified");
        }
        out.println("signature: " + switch (jqm.signature()) {
            case ABSENT -> "none";
            case VERIFIED -> "verified";
            case PRESENT_NOT_CHECKED -> "present, not checked (no trusted key given)";
        });
    }
}
