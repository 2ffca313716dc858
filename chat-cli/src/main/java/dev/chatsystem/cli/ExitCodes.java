package dev.chatsystem.cli;

import dev.chatsystem.core.ChatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The one place that maps failures to exit codes, so that a script can tell what to do next: 0 ok, 1 a failure no
 * other code names, 2 a usage error or invalid input, 3 not found, 4 a backend unavailable (worth retrying), 5 the
 * configuration (fix it before retrying). A failure is one sentence on stderr, with the stack trace only under {@code
 * --verbose}.
 */
final class ExitCodes implements IExecutionExceptionHandler {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int NOT_FOUND = 3;
    static final int UNAVAILABLE = 4;
    static final int CONFIGURATION = 5;

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
        // Output that could not be written (UncheckedIOException) and unexpected errors stay 1.
        return failure instanceof ChatException chat ? of(chat.code()) : FAILURE;
    }

    /** The exit code of a failure with {@code code}. */
    static int of(ChatException.Code code) {
        return switch (code) {
            case INVALID_INPUT -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            // Closed under the command (the JVM stopping): running it again is the fix, as for a backend that did not
            // answer.
            case BACKEND_UNAVAILABLE, CLOSED -> UNAVAILABLE;
            case CONFIGURATION -> CONFIGURATION;
            case CONFLICT, IDEMPOTENCY_MISMATCH -> FAILURE;
        };
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
