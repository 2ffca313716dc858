package dev.chatsystem.cli;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.Urls;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code migrate}: opening the store applies pending schema migrations (concurrent openers take turns), so opening
 * and closing it is the migration; it reports the schema version reached. Only the store opens: a deploy step can
 * migrate before Redis and Elasticsearch are up.
 */
@Command(name = "migrate", description = "Apply pending schema migrations to the store.")
final class MigrateCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    MigrateCommand(CliContext context) {
        this.context = context;
    }

    /** The outcome as printed by {@code --json}. */
    record Result(String store, String schemaVersion) {}

    @Override
    public Integer call() {
        ChatConfig config = context.config();
        String version = context.migrate();
        String store = config.database()
                .map(database -> Urls.redact(database.url()))
                .orElse(config.dataDir().toAbsolutePath().toString());
        context.output(spec)
                .print(
                        new Result(store, version),
                        Table.keyValue().row("store", store).row("schema version", version + " (up to date)"));
        return ExitCodes.OK;
    }
}
