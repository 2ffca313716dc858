package dev.chatsystem.core.internal;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Numbering;
import java.util.Optional;

/**
 * Whether an application or chat exists, and the {@link NotFoundException} that names what is missing when it does
 * not: the application, or the chat in an existing application, or the message in an existing chat. Tokens that
 * could never have been issued are refused before any backend is asked.
 */
final class Existence {
    private final ChatStore store;
    private final Numbering numbering;

    Existence(ChatStore store, Numbering numbering) {
        this.store = store;
        this.numbering = numbering;
    }

    Optional<Application> application(String token) {
        return Tokens.plausible(token) ? store.application(token) : Optional.empty();
    }

    void requireChat(String token, long chatNumber) {
        requirePlausibleChat(token, chatNumber);
        if (!numbering.hasChat(token, chatNumber)) {
            throw chatNotFound(token, chatNumber);
        }
    }

    /** The checks that need no backend: a valid number and a token that could have been issued. */
    void requirePlausibleChat(String token, long chatNumber) {
        Validation.number("chat_number", chatNumber);
        if (!Tokens.plausible(token)) {
            throw chatNotFound(token, chatNumber);
        }
    }

    NotFoundException applicationNotFound(String token) {
        return new NotFoundException("no application with token " + abbreviate(token));
    }

    NotFoundException chatNotFound(String token, long chatNumber) {
        if (application(token).isEmpty()) {
            return applicationNotFound(token);
        }
        return new NotFoundException("application has no chat " + chatNumber);
    }

    /**
     * {@link #chatNotFound}, or {@code fromWrites} while the store cannot say: a write path that refused the chat
     * itself (a Redis counter below its number) has shown that the application exists, and a create into a chat that
     * does not exist is a 404 whether MySQL is up or not.
     */
    NotFoundException chatNotFound(String token, long chatNumber, NotFoundException fromWrites) {
        try {
            return chatNotFound(token, chatNumber);
        } catch (BackendUnavailableException storeDown) {
            return fromWrites;
        }
    }

    NotFoundException messageNotFound(String token, long chatNumber, long messageNumber) {
        // Callers check the token first; this one asks the numbering (Redis, then the store), so it checks too. Not
        // by the chat counter alone: one Redis lost unnoticed may be below a chat the store holds (hasChat looks).
        if (!Tokens.plausible(token) || !numbering.hasChat(token, chatNumber)) {
            return chatNotFound(token, chatNumber);
        }
        return new NotFoundException("chat " + chatNumber + " has no message " + messageNumber);
    }

    /** A token as error messages show it: at most 64 characters of it. */
    static String abbreviate(String token) {
        String safe = String.valueOf(token);
        return safe.length() > 64 ? safe.substring(0, 64) + "…" : safe;
    }
}
