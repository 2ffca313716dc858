package dev.chatsystem.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Predicate;

/**
 * Tokens known to exist. Applications are never deleted, so a positive answer never goes stale; caching it keeps
 * creates off the store entirely (they keep working while the database is down). Bounded, so memory is too.
 */
final class KnownApplications {
    private static final int MAX_TOKENS = 100_000;
    private final Cache<String, Boolean> known =
            Caffeine.newBuilder().maximumSize(MAX_TOKENS).build();

    /** True when the token exists, asking {@code exists} only about tokens not seen before. */
    boolean contains(String token, Predicate<String> exists) {
        if (known.getIfPresent(token) != null) {
            return true;
        }
        if (exists.test(token)) {
            known.put(token, Boolean.TRUE);
            return true;
        }
        return false;
    }

    void add(String token) {
        known.put(token, Boolean.TRUE);
    }
}
