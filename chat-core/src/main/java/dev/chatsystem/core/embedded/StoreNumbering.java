package dev.chatsystem.core.embedded;

import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Numbering;
import java.util.Objects;

/**
 * Numbering read straight from the store. Correct in the embedded form because the store is the only place numbers
 * land and a create is acknowledged only after it is committed; it keeps no cache, so nothing grows unbounded.
 */
public final class StoreNumbering implements Numbering {
    private final ChatStore store;

    public StoreNumbering(ChatStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public long lastChatNumber(String token) {
        long last = store.maxChatNumber(token);
        if (last > 0) {
            return last; // an application with chats exists: no second lookup on the create path
        }
        return store.application(token).isPresent() ? 0 : -1;
    }

    /** Asks the store, which remembers the chats it found: no maximum to read for every list or search. */
    @Override
    public boolean hasChat(String token, long chatNumber) {
        return store.hasChat(token, chatNumber);
    }

    /** Empty: the store's counts are exact in the embedded form. */
    @Override
    public java.util.Map<Long, Long> lastMessageNumbers(String token, java.util.Collection<Long> chatNumbers) {
        return java.util.Map.of();
    }

    /** Nothing to remember: the store has the application already. */
    @Override
    public void applicationCreated(String token) {}

    @Override
    public long lastMessageNumber(String token, long chatNumber) {
        return store.maxMessageNumber(token, chatNumber);
    }

    /** Nothing to do: every answer is read from the store. */
    @Override
    public long reseed(ChatStore store) {
        return 0;
    }
}
