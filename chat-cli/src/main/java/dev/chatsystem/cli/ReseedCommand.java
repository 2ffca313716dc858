package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code reseed}: raises the Redis numbering counters to the store's maxima, never lowering one, and (first) records in
 * Redis that an index catch-up pass is owed, which a worker runs: a Redis back behind the store lost the index entries
 * still queued. The embedded numbering has no counters of its own, so there is nothing to do there.
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

    /** What {@code --json} prints: the counters raised, and that a worker now owes an index catch-up pass. */
    record Result(long countersRaised, boolean indexCatchUpOwed) {}

    /** What {@code --json} prints on the embedded backends: the production form's keys, and why they are empty. */
    record NothingToDo(long countersRaised, boolean indexCatchUpOwed, String note) {}

    @Override
    public Integer call() {
        if (context.config().redisUrl().isEmpty()) {
            Output output = context.output(spec);
            if (output.json()) {
                output.print(new NothingToDo(0, false, EMBEDDED), Table.keyValue());
            } else {
                output.note(EMBEDDED);
            }
            return ExitCodes.OK;
        }
        try (ChatSystem system = context.open()) {
            long raised = system.reseedNumbering(); // records the catch-up owed before it raises any counter
            context.output(spec)
                    .print(
                            new Result(raised, true),
                            Table.of("COUNTERS RAISED", "INDEX CATCH-UP").row(raised, "owed (a worker runs it)"));
        }
        return ExitCodes.OK;
    }
}
