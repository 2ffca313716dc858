package dev.chatsystem.cli;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.Urls;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reindex [--app TOKEN]}: rebuilds the search index from the store; safe to re-run after a failure. It first
 * says on stderr what it reads and what it replaces: a full reindex swaps the index out, so an operator with the wrong
 * environment learns which index it is before the run ends.
 */
@Command(
        name = "reindex",
        description = {
            "Rebuild the search index from the store, for one application or all.",
            "Safe to re-run: an interrupted run is finished by running it again."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  chat-cli reindex                  # every application",
            "  chat-cli reindex --app \"$TOKEN\"   # one application's messages",
            "  chat-cli reindex 2>>reindex.log   # progress as plain lines (cron, CI)"
        })
final class ReindexCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Option(names = "--app", paramLabel = "TOKEN", description = "Only this application's messages.")
    private String token;

    ReindexCommand(CliContext context) {
        this.context = context;
    }

    /** The outcome as printed by {@code --json}: {@code target} is the search index rebuilt. */
    record Result(String target, long indexed, long tookMillis) {}

    @Override
    public Integer call() {
        ChatConfig config = context.config();
        String target = target(config);
        try (ChatSystem system = context.open()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("reindex: " + (token == null ? "every application" : "application " + token) + ", from store "
                    + store(config) + " into search index " + target);
            err.flush();
            Progress progress = context.progress(spec);
            ReindexReport report;
            try {
                report = system.reindex(Optional.ofNullable(token), progress);
            } finally {
                progress.finish();
            }
            long millis = report.took().toMillis();
            context.output(spec)
                    .print(
                            new Result(target, report.indexed(), millis),
                            Table.keyValue()
                                    .row("target", target)
                                    .row("indexed", report.indexed())
                                    .row("took", millis + " ms"));
            SearchIndexWarning.afterReindex(system, token != null, err);
        }
        return ExitCodes.OK;
    }

    /** The store read, its URL without a password, as doctor shows it. */
    private static String store(ChatConfig config) {
        return config.database()
                .map(database -> "mysql " + Urls.redact(database.url()))
                .orElse("h2 " + config.dataDir().toAbsolutePath());
    }

    /** The index replaced: Elasticsearch's when configured, else the data dir's Lucene index (its "index" dir). */
    private static String target(ChatConfig config) {
        return config.elasticsearchUrl()
                .map(url -> "elasticsearch " + Urls.redact(url) + " index " + config.elasticsearchIndex())
                .orElse("lucene " + config.dataDir().toAbsolutePath().resolve("index"));
    }
}
