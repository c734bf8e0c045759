/**
 * The {@code jquant} command line: one picocli command class per subcommand ({@code compress}, {@code run},
 * {@code inspect}, {@code backends}, {@code demo}). Results go to standard output, progress and errors to
 * standard error; an error is one line ({@code jquant: <message>}) with exit status 2 for misuse and 1 for
 * failures, and a stack trace only with {@code --verbose}.
 */
package dev.jquant.cli;
