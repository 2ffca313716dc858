package dev.chatsystem.core;

/** The request conflicts with the current state (for example a duplicate key). */
public final class ConflictException extends ChatException {
    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Code code() {
        return Code.CONFLICT;
    }
}
