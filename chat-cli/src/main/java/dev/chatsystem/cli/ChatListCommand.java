package dev.chatsystem.cli;

import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Page;
import dev.chatsystem.core.PageRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code chat list TOKEN [--after N] [--limit N]}. */
@Command(name = "list", description = "List an application's chats by number, one page at a time.")
final class ChatListCommand implements Callable<Integer> {
    private final CliContext context;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "TOKEN", description = "The application's token.")
    private String token;

    @Option(
            names = "--after",
            paramLabel = "N",
            defaultValue = "0",
            converter = Numbers.After.class,
            description = "Start after chat N.")
    private long after;

    @Mixin
    private PageSize pageSize = new PageSize();

    ChatListCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try (ChatSystem system = context.open()) {
            Page<Chat> page = system.listChats(token, new PageRequest(after, pageSize.limit));
            Output output = context.output(spec);
            Long next = page.nextAfter().isPresent() ? page.nextAfter().getAsLong() : null;
            output.print(new Listing(page.items(), next), Rows.chats(page.items()));
            if (next != null) {
                output.note("more: chat-cli chat list " + token + " --after " + next + " --limit " + pageSize.limit);
            }
        }
        return ExitCodes.OK;
    }
}
