package dev.chatsystem.core.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A numbered write on its way from a caller to the store: the unit the write path carries and
 * {@link ChatStore#apply(java.util.List)} persists. Numbers are already assigned; applying a write twice has the
 * same effect as applying it once.
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

    /** A message was created. */
    record MessageCreated(String token, long chatNumber, long messageNumber, String body, Instant at) implements Write {
        public MessageCreated {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(at, "at");
        }
    }

    /** A message's body was replaced. */
    record MessageEdited(String token, long chatNumber, long messageNumber, String body, Instant at) implements Write {
        public MessageEdited {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(at, "at");
        }
    }
}
