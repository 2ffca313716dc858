package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Stats;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stats}: totals across the store and the index. */
@Command(name = "stats", description = "Print totals: applications, chats, messages, indexed messages, pending writes.")
final class StatsCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    StatsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            Stats stats = system.stats();
            Table table = Table.keyValue()
                    .row("applications", stats.applications())
                    .row("chats", stats.chats())
                    .row("messages", stats.messages())
                    .row("indexed messages", stats.indexedMessages())
                    .row("pending writes", stats.pendingWrites());
            Output output = context.output(spec);
            output.print(stats, table);
            if (stats.indexedMessages() != stats.messages()) {
                output.note("the index holds " + stats.indexedMessages() + " of " + stats.messages()
                        + " stored messages; chat-cli reindex rebuilds it");
            }
        }
        return ExitCodes.OK;
    }
}
