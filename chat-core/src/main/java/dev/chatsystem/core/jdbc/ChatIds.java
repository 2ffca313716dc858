package dev.chatsystem.core.jdbc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Chat ids by application token and chat number, each read from the database once. A chat's id never changes and
 * chats are never deleted, so a cached id never goes stale, whichever process created the chat; only chats found are
 * cached, since a missing one may be created at any moment. Reading a chat's messages (a page, a search's hits, the
 * last number) then takes one statement instead of two: the id lookup was a third of a search's CPU in the store.
 * Bounded; thread-safe.
 */
final class ChatIds {
    /** About 150 bytes an entry: at most ~10 MB. */
    static final long DEFAULT_CAPACITY = 65_536;

    private record Key(String token, long chatNumber) {}

    private final Cache<Key, Long> ids;

    ChatIds(long capacity) {
        this.ids = Caffeine.newBuilder().maximumSize(capacity).build();
    }

    /** Whether the chat's id is cached, so that the chat exists; asks nothing of the database. */
    boolean cached(String token, long chatNumber) {
        return ids.getIfPresent(new Key(token, chatNumber)) != null;
    }

    /** The chat's id, from the cache or else the database through {@code handle}; empty if there is no such chat. */
    Optional<Long> find(Handle handle, String token, long chatNumber) {
        Key key = new Key(token, chatNumber);
        Long cached = ids.getIfPresent(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Long> found = Reads.chatId(handle, token, chatNumber);
        found.ifPresent(id -> ids.put(key, id));
        return found;
    }
}
