package dev.chatsystem.core.spi;

import dev.chatsystem.core.ChatException;

/**
 * {@link ChatStore#apply} failed before its transaction began (no connection could be had from a pool that stayed
 * busy): nothing of the writes is stored, which a failure later in the transaction could not promise. A writer that
 * would otherwise read the store back to learn whether the batch committed knows it did not, and asks nothing more of
 * the busy store.
 */
public final class NothingAppliedException extends ChatException {
    public NothingAppliedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Code code() {
        return Code.BACKEND_UNAVAILABLE;
    }
}
