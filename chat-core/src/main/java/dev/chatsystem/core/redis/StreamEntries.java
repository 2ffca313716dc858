package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.Write;
import java.util.Map;
import java.util.Optional;

/** Decodes the stream entries the scripts append (fields: k kind, t token, c chat, n number, b body, a micros). */
final class StreamEntries {
    private StreamEntries() {}

    /** The write an entry carries; empty for an entry that was trimmed away while pending (no fields). */
    static Optional<Write> write(Map<String, String> fields) {
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        String token = fields.get("t");
        long chat = Long.parseLong(fields.get("c"));
        var at = PendingValues.instant(fields.get("a"));
        return Optional.of(
                switch (fields.get("k")) {
                    case "c" -> new Write.ChatCreated(token, chat, at);
                    case "m" ->
                        new Write.MessageCreated(token, chat, Long.parseLong(fields.get("n")), fields.get("b"), at);
                    case "e" ->
                        new Write.MessageEdited(token, chat, Long.parseLong(fields.get("n")), fields.get("b"), at);
                    default -> throw new IllegalArgumentException("unknown entry kind " + fields.get("k"));
                });
    }

    /** What the search index needs from a write: message creates and edits carry a body. */
    static Optional<IndexedMessage> indexed(Write write) {
        return switch (write) {
            case Write.MessageCreated m ->
                Optional.of(new IndexedMessage(m.token(), m.chatNumber(), m.messageNumber(), m.body()));
            case Write.MessageEdited e ->
                Optional.of(new IndexedMessage(e.token(), e.chatNumber(), e.messageNumber(), e.body()));
            case Write.ChatCreated c -> Optional.empty();
        };
    }

    /** The pending-hash field a write was recorded under. */
    static String pendingField(Write write) {
        return switch (write) {
            case Write.ChatCreated c -> RedisKeys.chatField(c.chatNumber());
            case Write.MessageCreated m -> RedisKeys.messageField(m.chatNumber(), m.messageNumber());
            case Write.MessageEdited e -> RedisKeys.messageField(e.chatNumber(), e.messageNumber());
        };
    }
}
