package dev.chatsystem.cli;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.Stats;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code stats}: totals across the store and the index. */
@Command(
        name = "stats",
        description = "Print totals: applications, chats, messages, indexed vs stored messages, queue depth and lag.")
final class StatsCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    StatsCommand(CliContext context) {
        this.context = context;
    }

    /**
     * What {@code --json} prints: the totals and, per stage, the queue depth and lag. {@code indexedMessages} is null
     * when the index could not be counted, and {@code indexUnavailable} says why (null otherwise); {@code
     * indexWarning} is what the index needs while it is counted (a reindex owed, say), null when nothing.
     */
    record Report(
            long applications,
            long chats,
            long messages,
            Long indexedMessages,
            String indexUnavailable,
            String indexWarning,
            long pendingWrites,
            long persistQueue,
            double persistLagSeconds,
            long indexQueue,
            double indexLagSeconds) {}

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            Stats stats = system.stats();
            List<QueueBacklog> backlog = system.queueBacklog();
            Report report = new Report(
                    stats.applications(),
                    stats.chats(),
                    stats.messages(),
                    stats.indexedMessages().isPresent()
                            ? stats.indexedMessages().getAsLong()
                            : null,
                    stats.indexUnavailable().orElse(null),
                    // An index found incomplete, say, that this tool did not rebuild: the counts alone may not show it.
                    stats.indexUnavailable().isPresent()
                            ? null
                            : SearchIndexWarning.of(system).orElse(null),
                    stats.pendingWrites(),
                    entries(backlog, QueueBacklog.PERSIST),
                    lagSeconds(backlog, QueueBacklog.PERSIST),
                    entries(backlog, QueueBacklog.INDEX),
                    lagSeconds(backlog, QueueBacklog.INDEX));
            Table table = Table.keyValue()
                    .row("applications", report.applications())
                    .row("chats", report.chats())
                    .row("messages", report.messages())
                    .row("indexed messages", indexed(stats))
                    .row("pending writes", report.pendingWrites())
                    .row("queue to store", report.persistQueue() + " (lag " + report.persistLagSeconds() + " s)")
                    .row("queue to index", report.indexQueue() + " (lag " + report.indexLagSeconds() + " s)");
            Output output = context.output(spec);
            output.print(report, table);
            if (stats.indexUnavailable().isPresent()) {
                // The store's totals are printed; the index's failure is still a failure, as a FAIL row is in doctor.
                throw new BackendUnavailableException(stats.indexUnavailable().get());
            }
            if (stats.indexedMessages().getAsLong() != stats.messages()) {
                output.note("the index holds " + stats.indexedMessages().getAsLong() + " of " + stats.messages()
                        + " stored messages; chat-cli reindex rebuilds it");
            }
            if (report.indexWarning() != null) {
                output.note("search index: " + report.indexWarning());
            }
        }
        return ExitCodes.OK;
    }

    private static String indexed(Stats stats) {
        return stats.indexedMessages().isPresent()
                ? String.valueOf(stats.indexedMessages().getAsLong())
                : "unavailable: " + stats.indexUnavailable().orElseThrow();
    }

    private static long entries(List<QueueBacklog> backlog, String stage) {
        return backlog.stream()
                .filter(b -> b.stage().equals(stage))
                .mapToLong(QueueBacklog::entries)
                .sum();
    }

    /** The worst lag over the shards, in seconds with millisecond precision. */
    private static double lagSeconds(List<QueueBacklog> backlog, String stage) {
        return backlog.stream()
                        .filter(b -> b.stage().equals(stage))
                        .mapToLong(b -> b.oldestAge().toMillis())
                        .max()
                        .orElse(0)
                / 1000.0;
    }
}
