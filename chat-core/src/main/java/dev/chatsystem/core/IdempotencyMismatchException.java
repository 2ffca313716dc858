package dev.chatsystem.core;

/** An idempotency key was reused with a different request. */
public final class IdempotencyMismatchException extends ChatException {
    public IdempotencyMismatchException(String message) {
        super(message);
    }

    public IdempotencyMismatchException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Code code() {
        return Code.IDEMPOTENCY_MISMATCH;
    }
}
