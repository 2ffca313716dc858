package dev.chatsystem.core.embedded;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The last numbers the writer committed, per application (chats) or per chat (messages), so that a batch reads the
 * store's maximum only for parents it has not seen recently. Valid because the writer is the only one numbering
 * writes into this store: the data directory is locked to one process, and that process has one writer.
 *
 * <p>Bounded (least recently used entries are dropped; a dropped parent costs one store read again) and only ever
 * touched by the writer thread, so not thread-safe.
 */
final class CommittedNumbers {
    static final int MAX_ENTRIES = 100_000;

    private final Map<String, Long> last = new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The last committed number under {@code key}, or null when not known here. */
    Long get(String key) {
        return last.get(key);
    }

    /** Records the numbers of a batch that has committed; never lowers one (a batch only ever adds). */
    void committed(Map<String, Long> numbers) {
        numbers.forEach((key, number) -> last.merge(key, number, Math::max));
    }

    /** Forgets the numbers under {@code keys}: the next batch that needs one reads the store's maximum. */
    void forget(Collection<String> keys) {
        keys.forEach(last::remove);
    }

    int size() {
        return last.size();
    }
}
