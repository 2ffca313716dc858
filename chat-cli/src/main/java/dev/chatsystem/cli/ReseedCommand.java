package dev.chatsystem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code reseed}: rebuilds the Redis numbering counters from the store. The embedded numbering has no counters of
 * its own, so there is nothing to do there; for Redis the library does not offer the operation yet.
 */
@Command(name = "reseed", description = "Rebuild the numbering counters (Redis) from the store; never lowers one.")
final class ReseedCommand implements Callable<Integer> {
    static final String EMBEDDED = "reseed applies only to the Redis numbering backend (CHAT_REDIS_URL);"
            + " embedded numbering is read from the store";
    static final String NOT_YET =
            "reseed of the Redis counters is not available yet: chat-core offers no reseed" + " operation to call";

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    ReseedCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (context.config().redisUrl().isPresent()) {
            spec.commandLine().getErr().println("chat-cli: " + NOT_YET);
            spec.commandLine().getErr().flush();
            return ExitCodes.FAILURE;
        }
        spec.commandLine().getOut().println(EMBEDDED);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
