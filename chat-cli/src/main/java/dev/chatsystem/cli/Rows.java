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
        applications.forEach(a -> table.row(a.token(), shown(a.name()), a.chatsCount(), a.createdAt()));
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

    /**
     * Bodies may hold newlines and be long: a table shows one shortened line, --json the whole text. They come from
     * API clients, so other control characters (an ESC starting a terminal sequence, a bidi override) are shown as
     * a backslash, "u" and their four hex digits rather than sent to the admin's terminal, and the line is cut between
     * code points, never inside a surrogate pair or such an escape.
     */
    static String oneLine(String body) {
        List<String> shown = body.replaceAll("[\\s\\u2028\\u2029]+", " ")
                .strip()
                .codePoints()
                .mapToObj(Rows::visible)
                .toList();
        int width = shown.stream().mapToInt(String::length).sum();
        if (width <= BODY_WIDTH) {
            return String.join("", shown);
        }
        StringBuilder line = new StringBuilder();
        for (String piece : shown) {
            if (line.length() + piece.length() > BODY_WIDTH - 1) {
                break;
            }
            line.append(piece);
        }
        return line.append('…').toString();
    }

    /**
     * A name as a table shows it: names come from API clients too, and may hold a bidi control or a line or paragraph
     * separator (only control characters are refused in them), which would reorder or break the admin's line.
     */
    static String shown(String name) {
        return name.codePoints().mapToObj(Rows::visible).collect(java.util.stream.Collectors.joining());
    }

    private static String visible(int codePoint) {
        int type = Character.getType(codePoint);
        boolean separator = type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
        return Character.isISOControl(codePoint) || separator || bidiControl(codePoint)
                ? String.format("\\u%04x", codePoint)
                : Character.toString(codePoint);
    }

    /** Unicode's Bidi_Control characters: the marks (ALM, LRM, RLM), embeddings, overrides and isolates. */
    private static boolean bidiControl(int codePoint) {
        return codePoint == 0x061C
                || codePoint == 0x200E
                || codePoint == 0x200F
                || (codePoint >= 0x202A && codePoint <= 0x202E)
                || (codePoint >= 0x2066 && codePoint <= 0x2069);
    }
}
