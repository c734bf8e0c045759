package dev.jquant.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code jquant} command: global options and the subcommands. */
@Command(name = "jquant",
        description = "Compresses neural networks (ONNX -> .jqm) and runs them from Java.",
        subcommands = {CompressCommand.class, RunCommand.class, InspectCommand.class, BackendsCommand.class,
                DemoCommand.class, dev.jquant.cli.bench.BenchCommand.class},
        synopsisSubcommandLabel = "COMMAND",
        footerHeading = "%nExamples:%n",
        footer = {
                "  jquant demo                  all-MiniLM-L6-v2 on jquant and on ONNX Runtime",
                "  jquant compress model.onnx -o model.jqm",
                "  jquant inspect model.jqm",
                "  jquant run model.jqm --input input_ids=ids.npy --out out/",
                "  jquant backends",
                "  jquant COMMAND --help        the options of one command"})
public final class JQuant implements Runnable {

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of an error.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no command given; choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The command line with jquant's error reporting; tests redirect its out and err. */
    public static CommandLine commandLine() {
        ErrorReporter reporter = new ErrorReporter();
        return new CommandLine(new JQuant())
                .setExecutionExceptionHandler(reporter)
                .setParameterExceptionHandler(reporter);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
