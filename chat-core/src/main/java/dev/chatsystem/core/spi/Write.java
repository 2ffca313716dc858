package dev.chatsystem.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A numbered write on its way from a caller to the store: the unit the write path carries and
 * {@link ChatStore#apply(java.util.List)} persists. Numbers are already assigned; applying a write twice has the
 * same effect as applying it once.
 *
 * <p>Message writes carry a {@code version}: the write path gives every write of an application a version greater
 * than that of every write accepted before it (the distributed form: its stream entry id; the embedded form: its
 * writer's clock). Stores and indexes apply a message write only if its version is not older than what they hold,
 * so a batch applied late (by a worker that stalled past its lease) never reverts a newer edit. Version 0 means
 * unversioned (rows stored before versions existed).
 */
public sealed interface Write {
    /** The application the write belongs to. */
    String token();

    /** The chat the write belongs to. */
    long chatNumber();

    /** A chat was created. */
    record ChatCreated(String token, long chatNumber, Instant at) implements Write {
        public ChatCreated {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A message was created; {@code version} orders it before the message's edits. */
    record MessageCreated(String token, long chatNumber, long messageNumber, String body, Instant at, long version)
            implements Write {
        public MessageCreated {
            if (version < 0) {
                throw new IllegalArgumentException("version must not be negative, was " + version);
            }
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A message's body was replaced; an edit applies only over an older version of the message. */
    record MessageEdited(String token, long chatNumber, long messageNumber, String body, Instant at, long version)
            implements Write {
        public MessageEdited {
            if (version < 0) {
                throw new IllegalArgumentException("version must not be negative, was " + version);
            }
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(at, "at");
        }
    }
}
