package dev.chatsystem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ScopeType;

/**
 * {@code chat-cli}: without a subcommand it reports "missing required subcommand", naming them (exit 2).
 * Its command attributes (help and version options, exit codes) are inherited by every subcommand.
 */
@Command(
        name = "chat-cli",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        exitCodeOnInvalidInput = ExitCodes.USAGE,
        exitCodeOnExecutionException = ExitCodes.FAILURE,
        description = {
            "Administer a chat-system: applications, chats, messages, the search index and the backends.",
            "Works on the embedded data dir (--data-dir, $CHAT_DATA_DIR) like the server does.",
            "Production backends: CHAT_DB_URL, CHAT_DB_USER, CHAT_DB_PASSWORD, CHAT_REDIS_URL, CHAT_ELASTICSEARCH_URL,"
                    + " CHAT_ELASTICSEARCH_INDEX (best: the servers' whole CHAT_* environment, CHAT_SHARDS too).",
            "Exit codes: 0 ok, 1 failure (one sentence on stderr), 2 usage error or invalid input, 3 not found,"
                    + " 4 backend unavailable (worth retrying), 5 configuration (data dir, schema, CHAT_* settings)."
        },
        subcommands = {
            HelpCommand.class,
            AppCommand.class,
            ChatCommand.class,
            MessageCommand.class,
            SearchCommand.class,
            ReindexCommand.class,
            ReconcileCommand.class,
            ReseedCommand.class,
            MigrateCommand.class,
            DoctorCommand.class,
            StatsCommand.class,
            CompletionCommand.class
        })
final class RootCommand {
    @Mixin
    private final GlobalOptions options;

    RootCommand(GlobalOptions options) {
        this.options = options;
    }
}
