package dev.jquant.cli;

import dev.jquant.compressor.io.Npy;
import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jquant run}: runs a {@code .jqm} model on inputs from {@code .npy} files, writes outputs as {@code .npy}. */
@Command(name = "run",
        description = {"Run a .jqm model once on inputs read from .npy files and write each output to DIR/<name>.npy.",
                "Prints each output's type and shape and the time the run took (the first run of a shape "
                        + "includes planning)."},
        footerHeading = "%nExamples:%n",
        footer = {"  jquant run minilm.jqm -i input_ids=ids.npy -i attention_mask=mask.npy \\",
                "      -i token_type_ids=types.npy --out out/",
                "  jquant run model.jqm -i x=x.npy --backend java --threads 1",
                "",
                "Inputs come from numpy.save (np.save('ids.npy', ids.astype(np.int64))): little-endian, C order.",
                "Output names are written with characters outside [A-Za-z0-9._-] replaced by '_'.",
                "'jquant inspect MODEL.jqm' lists the input names, types and shapes."})
final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.jqm", description = "The model to run.")
    Path modelFile;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=FILE.npy", converter = NamedInput.Converter.class,
            description = "A model input and the .npy file holding it; repeat for each input.")
    List<NamedInput> inputs = new ArrayList<>();

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", defaultValue = ".",
            description = "Directory for the outputs, created if absent (default: the current directory).")
    Path outDir;

    @Mixin
    SessionFlags session;

    @Override
    public Integer call() throws Exception {
        SessionOptions options = session.options();
        Map<String, Path> files = new LinkedHashMap<>();
        for (NamedInput in : inputs) {
            if (files.put(in.name(), in.file()) != null) {
                throw new ParameterException(spec.commandLine(), "input '" + in.name() + "' is given twice");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = Model.open(modelFile)) {
            Map<String, Tensor> values = new LinkedHashMap<>();
            for (Map.Entry<String, Path> e : files.entrySet()) {
                values.put(e.getKey(), Npy.read(e.getValue()));
            }
            try (Session running = model.newSession(options)) {
                long start = System.nanoTime();
                try (Result result = running.run(values)) {
                    long elapsed = System.nanoTime() - start;
                    Files.createDirectories(outDir);
                    Set<String> used = new HashSet<>();
                    for (Map.Entry<String, Tensor> e : result.asMap().entrySet()) {
                        Path file = outDir.resolve(fileName(e.getKey(), used));
                        Npy.write(file, e.getValue());
                        out.printf("%s  %s  -> %s%n", e.getKey(), e.getValue(), file);
                    }
                    out.printf("ran in %s on backend %s with %d thread%s%n", Units.millis(elapsed),
                            running.backendName(), options.threads(), options.threads() == 1 ? "" : "s");
                }
            }
        }
        out.flush();
        return 0;
    }

    /** {@code <name>.npy} with characters outside [A-Za-z0-9._-] replaced; a clash gets a numeric suffix. */
    static String fileName(String outputName, Set<String> used) {
        String base = outputName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (base.isEmpty()) {
            base = "output";
        }
        String name = base;
        for (int i = 2; !used.add(name); i++) {
            name = base + "_" + i;
        }
        return name + ".npy";
    }
}
