package dev.jquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jquant compress}: ONNX in, {@code .jqm} out. */
@Command(name = "compress",
        description = {"Compress an ONNX model into one .jqm file: import, graph passes (identity removal, constant "
                + "folding, batch-norm folding, dead-node removal), then write.",
                "Progress goes to standard error; the sizes and node counts to standard output."},
        footerHeading = "%nExamples:%n",
        footer = {"  jquant compress model.onnx -o model.jqm",
                "  jquant compress model.onnx             writes model.jqm next to it",
                "",
                "Only --precision fp32 is available today; quantized precisions come in a later version.",
                "Operators jquant cannot run are refused at import, naming the node and the operator."})
final class CompressCommand implements Callable<Integer> {

    /** Precisions the project plans; naming one of them gets "not yet" rather than "unknown". */
    private static final Set<String> LATER = Set.of("fp16", "bf16", "int8", "int4", "int2");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.onnx", description = "The ONNX model to compress.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.jqm",
            description = "The file to write (default: IN.jqm, next to IN.onnx).")
    Path output;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "Weight precision: fp32 (default: ${DEFAULT-VALUE}).")
    String precision;

    @Override
    public Integer call() throws Exception {
        String p = precision.toLowerCase(Locale.ROOT);
        if (LATER.contains(p)) {
            throw new ParameterException(spec.commandLine(), "--precision " + precision
                    + " is not available yet: only fp32 today; quantized precisions come in a later version");
        }
        if (!p.equals("fp32")) {
            throw new ParameterException(spec.commandLine(), "unknown --precision '" + precision + "', expected fp32");
        }
        Path out = output != null ? output : defaultOutput(input);
        Compression.Summary s = Compression.fp32(input, out, spec.commandLine().getErr());
        PrintWriter stdout = spec.commandLine().getOut();
        int width = Math.max(input.toString().length(), out.toString().length());
        stdout.printf("%-" + width + "s  %10s  %5d nodes  (ONNX, opset %d)%n", input, Units.bytes(s.onnxBytes()),
                s.importedNodes(), s.opset());
        stdout.printf("%-" + width + "s  %10s  %5d nodes  (.jqm, fp32, %d tensors)%n", out, Units.bytes(s.jqmBytes()),
                s.nodes(), s.tensors());
        stdout.printf("compressed in %s%n", Units.millis(s.totalNanos()));
        stdout.flush();
        return 0;
    }

    /** {@code dir/model.onnx} becomes {@code dir/model.jqm}. */
    static Path defaultOutput(Path onnx) {
        String name = onnx.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return onnx.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".jqm");
    }
}
