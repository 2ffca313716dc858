package dev.chatsystem.core.embedded;

import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.Write;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one batch of pending writes into numbered {@link Write}s. Numbers continue from the store's maximum, read
 * once per application or chat per batch; the counters live only for the batch, so a batch that fails to commit
 * consumes no number.
 */
final class BatchNumbering {
    private final ChatStore store;
    private final Map<String, Long> lastChat = new HashMap<>();
    private final Map<String, Long> lastMessage = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();
    private final List<IndexedMessage> indexed = new ArrayList<>();
    private final List<Long> numbers = new ArrayList<>();

    BatchNumbering(ChatStore store, List<PendingWrite> batch) {
        this.store = store;
        batch.forEach(this::number);
    }

    List<Write> writes() {
        return writes;
    }

    List<IndexedMessage> indexed() {
        return indexed;
    }

    /** The number assigned to the i-th pending write of the batch (0 for an edit). */
    long number(int i) {
        return numbers.get(i);
    }

    private void number(PendingWrite p) {
        switch (p.kind()) {
            case CREATE_CHAT -> {
                long n = lastChat.compute(
                        p.token(), (token, last) -> (last == null ? store.maxChatNumber(token) : last) + 1);
                writes.add(new Write.ChatCreated(p.token(), n, p.at()));
                numbers.add(n);
            }
            case CREATE_MESSAGE -> {
                String key = p.token() + '/' + p.chatNumber();
                long n = lastMessage.compute(
                        key,
                        (k, last) -> (last == null ? store.maxMessageNumber(p.token(), p.chatNumber()) : last) + 1);
                writes.add(new Write.MessageCreated(p.token(), p.chatNumber(), n, p.body(), p.at()));
                indexed.add(new IndexedMessage(p.token(), p.chatNumber(), n, p.body()));
                numbers.add(n);
            }
            case EDIT_MESSAGE -> {
                writes.add(new Write.MessageEdited(p.token(), p.chatNumber(), p.messageNumber(), p.body(), p.at()));
                indexed.add(new IndexedMessage(p.token(), p.chatNumber(), p.messageNumber(), p.body()));
                numbers.add(0L);
            }
        }
    }
}
