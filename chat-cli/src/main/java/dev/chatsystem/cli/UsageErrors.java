package dev.chatsystem.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a command line that does not parse in a line or two on stderr, as other Unix tools do, instead of picocli's
 * message and the whole usage (which buried the message): what is wrong, picocli's suggestion for a mistyped option or
 * subcommand if it has one, and the command whose help says more. Exit 2.
 */
final class UsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException failure, String[] args) {
        CommandLine command = failure.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("chat-cli: " + message(failure));
        UnmatchedArgumentException.printSuggestions(failure, err); // "Did you mean: …?", "Possible solutions: …"
        err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Picocli's message, but for a value our converters refused: its option or parameter, then why. */
    static String message(ParameterException failure) {
        ArgSpec arg = failure.getArgSpec();
        if (failure.getCause() instanceof Numbers.Refused refused && arg != null) {
            return name(arg) + " " + refused.getMessage();
        }
        List<String> subcommands = failure.getCommandLine().getSubcommands().keySet().stream()
                .filter(name -> !name.equals("help"))
                .toList();
        if (failure instanceof UnmatchedArgumentException unmatched
                && !unmatched.isUnknownOption()
                && !subcommands.isEmpty()) {
            // Not "unmatched argument at index 1": a word where a subcommand goes is a subcommand mistyped.
            return "unknown subcommand: '" + unmatched.getUnmatched().get(0) + "'";
        }
        String message = lowerCaseFirst(failure.getMessage());
        if (message.startsWith("missing required subcommand") && !subcommands.isEmpty()) {
            return message + ": one of " + String.join(", ", subcommands);
        }
        return message;
    }

    private static String name(ArgSpec arg) {
        return arg instanceof OptionSpec option ? option.longestName() : arg.paramLabel();
    }

    /** "Unknown option: …" as "unknown option: …", like every other message after "chat-cli: ". */
    private static String lowerCaseFirst(String message) {
        return message.isEmpty() ? message : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
}
