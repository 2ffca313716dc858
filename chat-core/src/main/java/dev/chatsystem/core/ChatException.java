package dev.chatsystem.core;

/**
 * The root of every failure the library reports. Unchecked; each subclass names what failed and carries a stable
 * {@link Code} that shells map to HTTP statuses or exit codes.
 */
public abstract class ChatException extends RuntimeException {
    /** Stable failure codes; their names never change once released. */
    public enum Code {
        INVALID_INPUT,
        NOT_FOUND,
        CONFLICT,
        IDEMPOTENCY_MISMATCH,
        BACKEND_UNAVAILABLE,
        CONFIGURATION,
        CLOSED
    }

    protected ChatException(String message) {
        super(message);
    }

    protected ChatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The stable code of this failure. */
    public abstract Code code();
}
