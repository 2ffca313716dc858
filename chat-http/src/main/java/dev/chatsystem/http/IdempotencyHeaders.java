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
        return keys.stream().findFirst().map(IdempotencyKey::new);
    }

    /** Marks a replayed answer and unwraps the value. */
    static <T> T unwrap(Context ctx, Created<T> created) {
        if (created.replayed()) {
            ctx.header(REPLAYED, "true");
        }
        return created.value();
    }
}
