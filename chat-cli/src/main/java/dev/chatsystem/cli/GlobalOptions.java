package dev.chatsystem.cli;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command accepts, before or after the subcommand name. Inherited options share this one
 * instance, so a value given anywhere on the command line lands here.
 *
 * <p>A flag given sets the opposite of its default value, and without a declared default picocli takes the field's
 * current value for it, which the same flag given before the subcommand has already set: {@code --json app list
 * --json} turned JSON off again. The declared {@code defaultValue = "false"} makes every occurrence set it on.
 */
final class GlobalOptions {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Data directory of the embedded backends (default: $CHAT_DATA_DIR, else ./chat-data).")
    private Path dataDir;

    @Option(
            names = "--json",
            defaultValue = "false",
            scope = ScopeType.INHERIT,
            description = "Print machine-readable JSON instead of a table.")
    private boolean json;

    @Option(
            names = "--verbose",
            defaultValue = "false",
            scope = ScopeType.INHERIT,
            description = "Log what the backends do and print stack traces of failures.")
    private boolean verbose;

    Optional<Path> dataDir() {
        return Optional.ofNullable(dataDir);
    }

    boolean json() {
        return json;
    }

    boolean verbose() {
        return verbose;
    }
}
