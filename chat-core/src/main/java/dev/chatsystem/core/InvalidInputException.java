package dev.chatsystem.core;

/** The caller's input breaks a documented rule (length, range, format). */
public final class InvalidInputException extends ChatException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Code code() {
        return Code.INVALID_INPUT;
    }
}
