package dev.jquant.cli;

import dev.jquant.runtime.Backends;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.spi.BackendProbe;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code --backend} and {@code --threads} options of the commands that run models. */
final class SessionFlags {

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = Backends.AUTO,
            description = "auto (the best available) or a name from 'jquant backends' (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Intra-op threads (default: all available cores).")
    Integer threads;

    /** The session options; an unknown backend or a bad thread count is misuse, reported as such. */
    SessionOptions options() {
        List<String> names = Backends.probe().stream().map(BackendProbe::name).toList();
        if (!backend.equalsIgnoreCase(Backends.AUTO) && names.stream().noneMatch(backend::equalsIgnoreCase)) {
            throw new ParameterException(command.commandLine(), "unknown backend '" + backend + "', expected "
                    + Backends.AUTO + " or one of " + names);
        }
        try {
            return SessionOptions.builder().backend(backend)
                    .threads(threads == null ? Runtime.getRuntime().availableProcessors() : threads).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }
}
