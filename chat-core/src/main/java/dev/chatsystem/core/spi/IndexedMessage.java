package dev.chatsystem.core.spi;

import java.util.Objects;

/**
 * A message as the search index sees it: its natural key, its body and the version of the write that produced the
 * body (see {@link Write}). An index that can be written by more than one process keeps, per message, the body of
 * the highest version it was given; version 0 means unversioned and overwrites whatever is indexed.
 */
public record IndexedMessage(String token, long chatNumber, long messageNumber, String body, long version) {
    public IndexedMessage {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(body, "body");
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative, was " + version);
        }
    }

    /** An unversioned message (version 0), e.g. for an index that only one writer updates. */
    public IndexedMessage(String token, long chatNumber, long messageNumber, String body) {
        this(token, chatNumber, messageNumber, body, 0);
    }
}
