package dev.chatsystem.core.spi;

import java.util.Objects;

/** A message as the search index sees it: its natural key and its body. */
public record IndexedMessage(String token, long chatNumber, long messageNumber, String body) {
    public IndexedMessage {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(body, "body");
    }
}
