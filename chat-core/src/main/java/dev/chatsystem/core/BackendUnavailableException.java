package dev.chatsystem.core;

/** A backend (database, index, queue) could not be reached or failed; the caller may retry. */
public final class BackendUnavailableException extends ChatException {
    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Code code() {
        return Code.BACKEND_UNAVAILABLE;
    }
}
