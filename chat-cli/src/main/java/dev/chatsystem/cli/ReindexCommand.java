package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ReindexReport;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reindex [--app TOKEN]}: rebuilds the search index from the store; safe to re-run after a failure. */
@Command(
        name = "reindex",
        description = {
            "Rebuild the search index from the store, for one application or all.",
            "Safe to re-run: an interrupted run is finished by running it again."
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

    /** The outcome as printed by {@code --json}. */
    record Result(long indexed, long tookMillis) {}

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
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
                            new Result(report.indexed(), millis),
                            Table.keyValue().row("indexed", report.indexed()).row("took", millis + " ms"));
        }
        return ExitCodes.OK;
    }
}
