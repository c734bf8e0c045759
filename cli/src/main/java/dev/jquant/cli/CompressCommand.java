package dev.jquant.cli;

import dev.jquant.compressor.ActivationMode;
import dev.jquant.compressor.CompressionOptions;
import dev.jquant.compressor.calibration.ActivationScheme;
import dev.jquant.compressor.calibration.CalibrationMethod;
import dev.jquant.compressor.calibration.CalibrationOptions;
import dev.jquant.compressor.quantize.LayerAccuracy;
import dev.jquant.compressor.quantize.LayerReport;
import dev.jquant.compressor.quantize.Precision;
import dev.jquant.compressor.quantize.WeightQuantization;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jquant compress}: ONNX in, {@code .jqm} out, weights and activations quantized as asked. */
@Command(name = "compress",
        description = {"Compress an ONNX model into one .jqm file: import, graph passes (identity removal, constant "
                + "folding, batch-norm folding, dead-node removal), weight quantization, then write.",
                "Weights: int8 (one scale per output channel), int4 (4-bit groups along K with a scale and zero "
                        + "point each; with --calibration, rounded with GPTQ error feedback), fp16/bf16 (half-size "
                        + "storage, float compute). Embedding tables (Gather) count and decode only the rows read.",
                "Activations of quantized MatMul/Gemm: dynamic (per-row uint8 ranges at run time, no data needed) "
                        + "or static (one calibrated uint8 range per input, needs --calibration).",
                "Progress goes to standard error; sizes, the worst layers and timings to standard output."},
        footerHeading = "%nExamples:%n",
        footer = {"  jquant compress model.onnx -o model.jqm                      fp32",
                "  jquant compress model.onnx -o model-int8.jqm --precision int8",
                "  jquant compress model.onnx -o model-int4.jqm --precision int4 \\",
                "      --calibration sentences.txt --tokenizer tokenizer.json --report int4.html",
                "  jquant compress model.onnx --precision int8 --activations static --calibration samples/ --method entropy",
                "  jquant compress model.onnx --precision int4 --exclude /pooler/dense/MatMul --op-precision Gather=int8",
                "",
                "Calibration data: a directory of .npy files (DIR/<sample>.npy for a one-input model, or "
                        + "DIR/<sample>/<input name>.npy), or a text file with one sentence per line for a text "
                        + "model, tokenized with --tokenizer (default: tokenizer.json or <model>-tokenizer.json "
                        + "next to the model).",
                "Operators jquant cannot run are refused at import, naming the node and the operator."})
final class CompressCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN.onnx", description = "The ONNX model to compress.")
    Path input;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.jqm",
            description = "The file to write (default: IN.jqm, next to IN.onnx).")
    Path output;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32",
            description = "Weight precision: fp32, fp16, bf16, int8 or int4 (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--activations", paramLabel = "MODE", defaultValue = "dynamic",
            description = "dynamic or static quantization of quantized layers' inputs (default: ${DEFAULT-VALUE}).")
    String activations;

    @Option(names = "--calibration", paramLabel = "DIR|FILE.txt",
            description = "Sample inputs: a directory of .npy files, or sentences (one per line) for a text model.")
    Path calibration;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "The model's Hugging Face tokenizer, for sentence calibration data.")
    Path tokenizer;

    @Option(names = "--method", paramLabel = "M", defaultValue = "mse",
            description = "How static ranges are chosen: minmax, percentile, mse or entropy (default: ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--percentile", paramLabel = "P", defaultValue = "99.99",
            description = "For --method percentile: the percentile of |values| kept (default: ${DEFAULT-VALUE}).")
    double percentile;

    @Option(names = "--group-size", paramLabel = "G", defaultValue = "32",
            description = "int4: weights per scale along K, a multiple of 16 (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--int4-symmetric",
            description = "int4: signed codes around zero, no zero points (default: unsigned with a zero point per group).")
    boolean symmetric;

    @Option(names = "--int8-reduced-range",
            description = "int8: weight codes within ±64 instead of ±127 (7-bit weights). Lets oneDNN run the int8 "
                    + "MatMuls on x86 CPUs without VNNI (see 'jquant backends'), whose byte multiply-adds would "
                    + "saturate on full-range weights; costs some accuracy.")
    boolean reducedRange;

    @Option(names = "--exclude", paramLabel = "NODE", split = ",",
            description = "Keep the weights these nodes read in fp32 (node names as 'jquant inspect' lists them).")
    List<String> exclude = List.of();

    @Option(names = "--op-precision", paramLabel = "OP=P", split = ",",
            description = "A precision per op type of the reading node, e.g. Gather=int8,Conv=fp16.")
    Map<String, String> opPrecision = new LinkedHashMap<>();

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Write an HTML report: per-layer bits, bytes, SQNR and cosine, with a chart.")
    Path report;

    @Override
    public Integer call() throws Exception {
        CompressionOptions options = options();
        Path out = output != null ? output : defaultOutput(input);
        PrintWriter err = spec.commandLine().getErr();
        Compression.Summary s = Compression.run(input, out, options, calibration, tokenizer, report, err,
                ProgressBar.on(err));
        PrintWriter stdout = spec.commandLine().getOut();
        int width = Math.max(input.toString().length(), out.toString().length());
        stdout.printf("%-" + width + "s  %10s  %5d nodes  (ONNX, opset %d)%n", input, Units.bytes(s.onnxBytes()),
                s.importedNodes(), s.opset());
        stdout.printf("%-" + width + "s  %10s  %5d nodes  (.jqm, %s, %d tensors)%n", out, Units.bytes(s.jqmBytes()),
                s.nodes(), s.settings(), s.tensors());
        printWorstLayers(stdout, s);
        if (report != null) {
            stdout.printf("report: %s%n", report);
        }
        stdout.printf("compressed in %s%n", Units.millis(s.totalNanos()));
        stdout.flush();
        return 0;
    }

    private CompressionOptions options() {
        Precision p = parse(() -> Precision.parse(precision), "--precision");
        ActivationMode mode = parse(() -> ActivationMode.valueOf(activations.toUpperCase(Locale.ROOT)), "--activations",
                "dynamic, static");
        CalibrationMethod m = parse(() -> CalibrationMethod.valueOf(method.toUpperCase(Locale.ROOT)), "--method",
                "minmax, percentile, mse, entropy");
        if (mode == ActivationMode.STATIC && calibration == null) {
            throw new ParameterException(spec.commandLine(), "--activations static needs --calibration samples");
        }
        if (mode == ActivationMode.STATIC && (p == Precision.FP32 || p == Precision.FP16 || p == Precision.BF16)) {
            throw new ParameterException(spec.commandLine(), "--activations static applies to int8 and int4 weights; "
                    + "--precision is " + p.label());
        }
        Map<String, Precision> byOp = new LinkedHashMap<>();
        opPrecision.forEach((op, value) -> byOp.put(op, parse(() -> Precision.parse(value), "--op-precision " + op)));
        WeightQuantization weights = parse(() -> WeightQuantization.of(p).withGroupSize(groupSize), "--group-size")
                .withSymmetric(symmetric).withExcludedNodes(Set.copyOf(exclude)).withOpTypes(byOp)
                .withReducedRange(reducedRange);
        CalibrationOptions calibrationOptions = parse(() -> CalibrationOptions.builder().method(m)
                .percentile(percentile).scheme(ActivationScheme.UINT8).build(),
                "--percentile");
        return CompressionOptions.of(p).withWeights(weights).withActivations(mode).withCalibration(calibrationOptions);
    }

    private <T> T parse(Supplier<T> parser, String option, String... valid) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            String message = valid.length > 0 ? "invalid " + option + ": expected one of " + valid[0] : option + ": "
                    + e.getMessage();
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    /** The five layers whose outputs (or, without samples, weights) moved furthest from the float model. */
    private static void printWorstLayers(PrintWriter out, Compression.Summary s) {
        if (!s.accuracy().isEmpty()) {
            out.println("worst layers (output SQNR vs fp32 on the calibration samples):");
            s.accuracy().stream().sorted(Comparator.comparingDouble(LayerAccuracy::sqnrDb)).limit(5)
                    .forEach(a -> out.printf(Locale.ROOT, "  %6.1f dB  cosine %.5f  %s%n", a.sqnrDb(), a.cosine(),
                            a.node()));
        } else if (!s.layers().isEmpty()) {
            out.println("worst weights (SQNR of the stored weights; give --calibration for output accuracy):");
            s.layers().stream().sorted(Comparator.comparingDouble(LayerReport::sqnrDb)).limit(5)
                    .forEach(l -> out.printf(Locale.ROOT, "  %6.1f dB  %-18s %s%n", l.sqnrDb(), l.scheme(), l.tensor()));
        }
    }

    /** {@code dir/model.onnx} becomes {@code dir/model.jqm}. */
    static Path defaultOutput(Path onnx) {
        String name = onnx.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return onnx.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".jqm");
    }
}
