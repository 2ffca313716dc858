package dev.chatsystem.core;

/** The named application, chat or message does not exist. */
public final class NotFoundException extends ChatException {
    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Code code() {
        return Code.NOT_FOUND;
    }
}
