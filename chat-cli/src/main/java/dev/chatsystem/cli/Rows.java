package dev.chatsystem.cli;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import java.util.List;

/** The table layouts of the model records, shared by the commands that print them. */
final class Rows {
    private static final int BODY_WIDTH = 60;

    private Rows() {}

    static Table applications(List<Application> applications) {
        Table table = Table.of("TOKEN", "NAME", "CHATS", "CREATED");
        applications.forEach(a -> table.row(a.token(), a.name(), a.chatsCount(), a.createdAt()));
        return table;
    }

    static Table chats(List<Chat> chats) {
        Table table = Table.of("CHAT", "MESSAGES", "CREATED");
        chats.forEach(c -> table.row(c.chatNumber(), c.messagesCount(), c.createdAt()));
        return table;
    }

    static Table messages(List<Message> messages) {
        Table table = Table.of("MESSAGE", "UPDATED", "BODY");
        messages.forEach(m -> table.row(m.messageNumber(), m.updatedAt(), oneLine(m.body())));
        return table;
    }

    /** Bodies may hold newlines and be long: a table shows one shortened line, --json the whole text. */
    private static String oneLine(String body) {
        String line = body.replaceAll("\\s+", " ").strip();
        return line.length() <= BODY_WIDTH ? line : line.substring(0, BODY_WIDTH - 1) + "…";
    }
}
