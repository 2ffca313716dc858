package dev.chatsystem.cli;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code message list TOKEN CHAT [--after N] [--limit N]}. */
@Command(name = "list", description = "List a chat's messages by number, one page at a time.")
final class MessageListCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOKEN", description = "The application's token.")
    private String token;

    @Parameters(index = "1", paramLabel = "CHAT", converter = Numbers.Number.class, description = "The chat number.")
    private long chat;

    @Option(
            names = "--after",
            paramLabel = "N",
            defaultValue = "0",
            converter = Numbers.After.class,
            description = "Start after message N.")
    private long after;

    @Mixin
    private PageSize pageSize = new PageSize();

    MessageListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            Output output = context.output(spec);
            // for whoever reads the table and goes on to search it; asked now, so that its wait overlaps the list's
            Future<Optional<String>> searchNote = output.json() ? null : SearchIndexWarning.askForList(system);
            Page<Message> page = system.listMessages(token, chat, new PageRequest(after, pageSize.limit));
            Long next = page.nextAfter().isPresent() ? page.nextAfter().getAsLong() : null;
            output.print(new Listing(page.items(), next), Rows.messages(page.items()));
            if (next != null) {
                output.note("more: chat-cli message list " + token + " " + chat + " --after " + next + " --limit "
                        + pageSize.limit);
            }
            if (searchNote != null) {
                SearchIndexWarning.afterList(searchNote, spec.commandLine().getErr());
            }
        }
        return ExitCodes.OK;
    }
}
