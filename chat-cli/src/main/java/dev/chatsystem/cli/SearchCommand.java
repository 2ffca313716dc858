package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.PageRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code search TOKEN CHAT QUERY...}. The results come from the search index: when it warns (a reindex owed), a line
 * on stderr says they may miss messages, stdout unchanged.
 */
@Command(name = "search", description = "Search a chat's messages; best match first.")
final class SearchCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOKEN", description = "The application's token.")
    private String token;

    @Parameters(index = "1", paramLabel = "CHAT", converter = Numbers.Number.class, description = "The chat number.")
    private long chat;

    @Parameters(
            index = "2..*",
            arity = "1..*",
            paramLabel = "QUERY",
            description = "Words that every match contains (whole words, prefixes or infixes).")
    private List<String> words;

    @Option(
            names = "--limit",
            paramLabel = "N",
            defaultValue = "" + PageRequest.DEFAULT_LIMIT, // as the HTTP API's
            converter = Numbers.Limit.class,
            description = "At most N hits, 1..1000 (default: ${DEFAULT-VALUE}).")
    private int limit;

    SearchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            List<Message> hits = system.searchMessages(token, chat, String.join(" ", words), limit);
            context.output(spec).print(hits, Rows.messages(hits));
            SearchIndexWarning.afterSearch(system, spec.commandLine().getErr());
        }
        return ExitCodes.OK;
    }
}
