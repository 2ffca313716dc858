package dev.chatsystem.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the write path answers for an edit.
 *
 * @param updatedAt the time the edit was stored with: the caller's time, raised where the edit was put in order so
 *     that it is later than the message's creation and than every edit of the message ordered before it (see {@link
 *     WritePath#editMessage})
 * @param createdAt the message's creation time, when the write path knew it without another read
 */
public record Edited(Instant updatedAt, Optional<Instant> createdAt) {
    public Edited {
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** An edit stored with {@code updatedAt}, of a message whose creation time the write path did not read. */
    public static Edited at(Instant updatedAt) {
        return new Edited(updatedAt, Optional.empty());
    }
}
