package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code reseed}: raises the Redis numbering counters to the store's maxima, never lowering one. The embedded
 * numbering has no counters of its own, so there is nothing to do there.
 */
@Command(
        name = "reseed",
        description = "Rebuild the numbering counters (Redis) from the store, never lowering one; ask the workers for"
                + " an index catch-up pass.")
final class ReseedCommand implements Callable<Integer> {
    static final String EMBEDDED = "reseed applies only to the Redis numbering backend (CHAT_REDIS_URL);"
            + " embedded numbering is read from the store";

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    ReseedCommand(CliContext context) {
        this.context = context;
    }

    /** What {@code --json} prints on the embedded backends: the production form's key, and why it is zero. */
    record NothingToDo(long countersRaised, String note) {}

    @Override
    public Integer call() {
        if (context.config().redisUrl().isEmpty()) {
            Output output = context.output(spec);
            if (output.json()) {
                output.print(new NothingToDo(0, EMBEDDED), Table.keyValue());
            } else {
                output.note(EMBEDDED);
            }
            return ExitCodes.OK;
        }
        try (ChatSystem system = context.open()) {
            long raised = system.reseedNumbering();
            Output output = context.output(spec);
            output.print(
                    Map.of("counters_raised", raised),
                    Table.of("COUNTERS RAISED").row(raised));
        }
        return ExitCodes.OK;
    }
}
