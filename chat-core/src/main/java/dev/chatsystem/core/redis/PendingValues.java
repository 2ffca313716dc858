package dev.chatsystem.core.redis;

import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** Parses the values of the pending hash (see {@link Scripts}) back into model records. */
final class PendingValues {
    private PendingValues() {}

    static Chat chat(long chatNumber, String value) {
        String[] parts = value.split("\\|", 2);
        return new Chat(chatNumber, 0, instant(parts[1]));
    }

    /**
     * A pending message. An edit of an already persisted message does not know its creation time, so it is read
     * from the store through {@code storedCreatedAt}.
     */
    static Message message(
            long chatNumber, long messageNumber, String value, Supplier<Optional<Instant>> storedCreatedAt) {
        String[] parts = value.split("\\|", 4);
        Instant updated = instant(parts[2]);
        Instant created = parts[1].isEmpty() ? storedCreatedAt.get().orElse(updated) : instant(parts[1]);
        return new Message(chatNumber, messageNumber, parts[3], created, updated);
    }

    static Instant instant(String micros) {
        return instant(Long.parseLong(micros));
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }
}
