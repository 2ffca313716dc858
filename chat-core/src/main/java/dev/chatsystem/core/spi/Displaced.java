package dev.chatsystem.core.spi;

import java.util.List;

/**
 * Creates a store did not apply because their number was already stored for another write: the numbering went back
 * behind the store (a Redis restored from a snapshot, an AOF synced every second, a failover to a lagging replica
 * all come back with counters the store has passed). A write delivered again is not displaced: the stored row was
 * created by it, at its time. Empty otherwise.
 *
 * @param messages message creates whose number another message holds, in list order
 * @param chats chat creates whose number another chat holds, in list order
 */
public record Displaced(List<Write.MessageCreated> messages, List<Write.ChatCreated> chats) {
    public static final Displaced NONE = new Displaced(List.of(), List.of());

    public Displaced {
        messages = List.copyOf(messages);
        chats = List.copyOf(chats);
    }

    public boolean isEmpty() {
        return messages.isEmpty() && chats.isEmpty();
    }

    /** Whether {@code write} is one of these creates. */
    public boolean contains(Write write) {
        return messages.contains(write) || chats.contains(write);
    }
}
