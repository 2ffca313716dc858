package dev.chatsystem.core;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Totals across the backends. The store's totals are there whenever the store answers; the index's count may be
 * missing (the index does not exist, or its server is down), so that the rest is still shown.
 *
 * @param applications applications in the store
 * @param chats chats in the store
 * @param messages messages in the store
 * @param indexedMessages documents in the search index; empty when the index could not be counted
 * @param pendingWrites accepted writes not yet persisted
 * @param indexUnavailable why the index could not be counted; present exactly when {@code indexedMessages} is empty
 */
public record Stats(
        long applications,
        long chats,
        long messages,
        OptionalLong indexedMessages,
        long pendingWrites,
        Optional<String> indexUnavailable) {
    public Stats {
        Objects.requireNonNull(indexedMessages, "indexedMessages");
        Objects.requireNonNull(indexUnavailable, "indexUnavailable");
        if (indexedMessages.isPresent() == indexUnavailable.isPresent()) {
            throw new IllegalArgumentException("either the index's count or why it is unavailable, not both or none");
        }
    }

    /** Totals with the index counted. */
    public Stats(long applications, long chats, long messages, long indexedMessages, long pendingWrites) {
        this(applications, chats, messages, OptionalLong.of(indexedMessages), pendingWrites, Optional.empty());
    }
}
