package dev.chatsystem.cli;

import dev.chatsystem.core.ChatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place that maps failures to exit codes: 0 ok, 1 a failure reported as one sentence on stderr (with the
 * stack trace only under {@code --verbose}), 2 a usage error (picocli prints the message and the usage).
 */
final class ExitCodes implements IExecutionExceptionHandler {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    private final GlobalOptions options;

    ExitCodes(GlobalOptions options) {
        this.options = options;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        boolean expected = failure instanceof ChatException;
        err.println("chat-cli: " + sentence(failure)
                + (expected || options.verbose() ? "" : " (run again with --verbose for the stack trace)"));
        if (options.verbose()) {
            failure.printStackTrace(err);
        }
        err.flush();
        return FAILURE;
    }

    /** The failure as one sentence, with what to do about it when that is known. */
    static String sentence(Exception failure) {
        if (failure instanceof java.io.UncheckedIOException io && io.getCause() != null) {
            return io.getCause().getMessage();
        }
        if (!(failure instanceof ChatException chat)) {
            return "unexpected error: " + failure;
        }
        String message = chat.getMessage();
        return switch (chat.code()) {
            case CONFIGURATION ->
                message.contains("in use")
                        ? message + "; stop the server using it or point --data-dir at another directory"
                        : message;
            case BACKEND_UNAVAILABLE -> message + "; run chat-cli doctor for details";
            // Closed under the command (the JVM stopping): nothing is wrong with the backends.
            case CLOSED -> message + " (it stopped before the command finished); run the command again";
            case INVALID_INPUT, NOT_FOUND, CONFLICT, IDEMPOTENCY_MISMATCH -> message;
        };
    }
}
