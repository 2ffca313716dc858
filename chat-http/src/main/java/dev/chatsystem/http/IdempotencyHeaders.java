package dev.chatsystem.http;

import dev.chatsystem.core.Created;
import dev.chatsystem.core.IdempotencyKey;
import dev.chatsystem.core.InvalidInputException;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The {@code Idempotency-Key} request header (IETF draft) and the {@code Idempotency-Replayed} response header that
 * marks an answer repeated from the original create.
 */
final class IdempotencyHeaders {
    static final String KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotency-Replayed";

    private IdempotencyHeaders() {}

    /** The key, when the request carries one; an invalid key, or more than one, is a 400. */
    static Optional<IdempotencyKey> key(Context ctx) {
        List<String> keys = Collections.list(ctx.req().getHeaders(KEY));
        if (keys.size() > 1) { // which one the client meant is anyone's guess
            throw new InvalidInputException(KEY + " must be sent once, was sent " + keys.size() + " times");
        }
        return keys.stream().findFirst().map(IdempotencyHeaders::parse);
    }

    /**
     * The key a header value holds. The draft makes it a Structured Field string ({@code "…"}, RFC 8941), but most
     * clients send it bare, as other APIs take it: both are taken, each as sent, quotes included, so that a key
     * remembered before keeps its identity (a client retries in the form it first used). A comma outside a quoted
     * string is refused: a proxy joins repeated header lines into one with commas (RFC 9110, 5.3), which would make
     * two keys one.
     */
    static IdempotencyKey parse(String value) {
        if (value.startsWith("\"")) {
            requireOneQuotedString(value);
        } else if (value.indexOf(',') >= 0) {
            throw new InvalidInputException(KEY + " must not contain a comma (a proxy joins repeated " + KEY
                    + " lines with commas, so it may be two keys): send one key, quoted (\"…\") if it holds a comma");
        }
        return new IdempotencyKey(value);
    }

    /**
     * A string as RFC 8941 (3.3.3) has it: only {@code \"} and {@code \\} escaped, and nothing after the closing quote
     * (the draft defines no parameters). The key's own check refuses characters outside printable ASCII.
     */
    private static void requireOneQuotedString(String value) {
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\') {
                i++;
                if (i == value.length() || (value.charAt(i) != '"' && value.charAt(i) != '\\')) {
                    throw new InvalidInputException(
                            KEY + " is a quoted string, in which a backslash may only escape \" or \\");
                }
            } else if (c == '"') {
                if (i == 1) {
                    throw new InvalidInputException(KEY + " must not be an empty string");
                }
                if (i != value.length() - 1) {
                    throw new InvalidInputException(KEY + " must be one quoted string with nothing after it (a proxy"
                            + " joins repeated " + KEY + " lines with commas, so it may be two keys)");
                }
                return;
            }
        }
        throw new InvalidInputException(KEY + " starts a quoted string that does not end");
    }

    /** Marks a replayed answer and unwraps the value. */
    static <T> T unwrap(Context ctx, Created<T> created) {
        if (created.replayed()) {
            ctx.header(REPLAYED, "true");
        }
        return created.value();
    }
}
