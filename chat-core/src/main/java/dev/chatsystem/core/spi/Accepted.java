package dev.chatsystem.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * What the write path answers for a create.
 *
 * @param number the number assigned (for a replay: the one assigned originally)
 * @param at when the create was accepted (for a replay: originally)
 * @param replayed whether an idempotent retry was answered from the original create
 */
public record Accepted(long number, Instant at, boolean replayed) {
    public Accepted {
        Objects.requireNonNull(at, "at");
    }
}
