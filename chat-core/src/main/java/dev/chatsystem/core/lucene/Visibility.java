package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.search.SearcherManager;

/**
 * Which upserts the searchers see, so that a search refreshes its reader only when an upsert it must see is not
 * visible yet. Refreshing per write batch cost the single writer more than the writes themselves; readers refresh
 * instead, so a search still sees every upsert that returned before it started.
 *
 * <p>Upserts are counted; per chat, the count after its last upsert is kept until a refresh made it visible, so
 * searches in chats nobody writes to do not reopen the reader (a refresh flushes a small segment) for every batch
 * written elsewhere. A refresh forgets the chats it made visible: with the periodic commit refreshing too, the map is
 * bounded by the chats written in about a commit interval.
 */
final class Visibility {
    private final SearcherManager searchers;
    private final AtomicLong upserts = new AtomicLong();
    private final ConcurrentHashMap<String, Long> lastUpsertOfChat = new ConcurrentHashMap<>();

    /** Written under {@link #refreshing}. */
    private volatile long visible;
    /**
     * Serializes refreshes. A lock rather than {@code synchronized}: a refresh reads files, and on JDK 21 to 23 a
     * virtual thread blocking in (or waiting to enter) a monitor holds its carrier thread, so searches waiting for
     * one refresh could stall every request of the server.
     */
    private final ReentrantLock refreshing = new ReentrantLock();

    Visibility(SearcherManager searchers) {
        this.searchers = searchers;
    }

    /** Records one upsert (of any number of messages) into {@code chatKeys}, once it is in the writer. */
    void upserted(Collection<String> chatKeys) {
        long upTo = upserts.incrementAndGet();
        for (String chatKey : chatKeys) {
            lastUpsertOfChat.merge(chatKey, upTo, Math::max);
        }
    }

    /** Makes every upsert so far visible, unless it is. */
    void refreshAll() throws IOException {
        refreshUpTo(upserts.get());
    }

    /** Makes the upserts into {@code chatKey} visible, unless they are. */
    void refreshChat(String chatKey) throws IOException {
        Long wanted = lastUpsertOfChat.get(chatKey);
        if (wanted != null) {
            refreshUpTo(wanted);
        }
    }

    private void refreshUpTo(long wanted) throws IOException {
        if (wanted <= visible) {
            return;
        }
        long upTo;
        refreshing.lock();
        try {
            if (visible >= wanted) {
                return;
            }
            upTo = upserts.get(); // read before the refresh, which then includes at least these
            searchers.maybeRefreshBlocking();
            visible = upTo;
        } finally {
            refreshing.unlock();
        }
        lastUpsertOfChat.values().removeIf(last -> last <= upTo);
    }

    /** How many upserts searchers are known to see. */
    long visibleUpserts() {
        return visible;
    }

    /** The chats with upserts no refresh has made visible yet. */
    int chatsAwaitingRefresh() {
        return lastUpsertOfChat.size();
    }
}
