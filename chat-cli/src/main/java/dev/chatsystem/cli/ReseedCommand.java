package dev.chatsystem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code reseed}: rebuilds the Redis numbering counters from the store. The embedded numbering has no counters of
 * its own, so there is nothing to do until the Redis backend exists.
 */
@Command(name = "reseed", description = "Rebuild the numbering counters (Redis) from the store; never lowers one.")
final class ReseedCommand implements Callable<Integer> {
    static final String EMBEDDED = "reseed applies only to the Redis numbering backend (CHAT_REDIS_URL);"
            + " embedded numbering is read from the store";

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(EMBEDDED);
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
