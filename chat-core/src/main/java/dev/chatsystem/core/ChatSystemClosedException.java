package dev.chatsystem.core;

/**
 * The {@link ChatSystem} was closed: every call after {@link ChatSystem#close()} fails so, and so does a call that a
 * concurrent close cut short. Unlike {@link BackendUnavailableException}, retrying on this instance never helps;
 * another instance, or a system opened again, can answer. A create that failed so and was cut short may have been
 * made: retry it with the same idempotency key to be sure.
 */
public final class ChatSystemClosedException extends ChatException {
    public ChatSystemClosedException() {
        super("the chat system is closed");
    }

    /** A call that {@code cause} interrupted when the system closed under it. */
    public ChatSystemClosedException(Throwable cause) {
        super("the chat system is closed", cause);
    }

    @Override
    public Code code() {
        return Code.CLOSED;
    }
}
