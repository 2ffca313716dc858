package dev.chatsystem.core.spi;

import java.util.List;

/**
 * A slice of all stored messages, for rebuilding the search index.
 *
 * @param messages the messages of this slice
 * @param nextCursor the cursor that continues after this slice; opaque to callers, never shown to clients
 */
public record MessageBatch(List<IndexedMessage> messages, long nextCursor) {
    public MessageBatch {
        messages = List.copyOf(messages);
    }
}
