package dev.jquant.cli;

import dev.jquant.runtime.InferenceException;
import dev.jquant.runtime.UnsupportedOperatorException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns every error into one line on standard error, {@code jquant: <message>}: exit status 2 for misuse
 * (bad options, unknown names), 1 for failures. The stack trace follows only with {@code --verbose}.
 */
final class ErrorReporter implements IParameterExceptionHandler, IExecutionExceptionHandler {

    static final int USAGE = 2;
    static final int FAILURE = 1;

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String hint = e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                ? "; did you mean " + String.join(" or ", u.getSuggestions()) + "?" : "";
        err.println("jquant: " + e.getMessage() + hint + " (see '" + cl.getCommandSpec().qualifiedName() + " --help')");
        if (Arrays.asList(args).contains("--verbose")) {
            e.printStackTrace(err);
        }
        err.flush();
        return USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.originalArgs().contains("--verbose");
        // One line, whatever the exception's message looks like: scripts read the first line of stderr.
        String message = describe(e).strip().replaceAll("\\s*\\R\\s*", "; ");
        err.println("jquant: " + message + (verbose || expected(e) ? "" : " (--verbose shows where)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    /** A message for a person: the JDK's file exceptions carry only the path, so say what happened to it. */
    static String describe(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return switch (t) {
            case NoSuchFileException f -> "no such file: " + f.getFile();
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            case FileSystemException f when f.getReason() != null -> f.getFile() + ": " + f.getReason();
            default -> t.getMessage() == null || t.getMessage().isBlank()
                    ? t.getClass().getSimpleName() : t.getMessage();
        };
    }

    /** Errors the user can act on from the message alone; anything else is a bug worth a stack trace. */
    private static boolean expected(Exception e) {
        return e instanceof IOException || e instanceof UncheckedIOException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof InferenceException
                || e instanceof UnsupportedOperatorException;
    }
}
