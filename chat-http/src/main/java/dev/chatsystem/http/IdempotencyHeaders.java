package dev.chatsystem.http;

import dev.chatsystem.core.Created;
import dev.chatsystem.core.IdempotencyKey;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The {@code Idempotency-Key} request header (IETF draft) and the {@code Idempotency-Replayed} response header that
 * marks an answer repeated from the original create.
 */
final class IdempotencyHeaders {
    static final String KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotency-Replayed";

    private IdempotencyHeaders() {}

    /** The key, when the request carries one; an invalid key is a 400. */
    static Optional<IdempotencyKey> key(Context ctx) {
        return Optional.ofNullable(ctx.header(KEY)).map(IdempotencyKey::new);
    }

    /** Marks a replayed answer and unwraps the value. */
    static <T> T unwrap(Context ctx, Created<T> created) {
        if (created.replayed()) {
            ctx.header(REPLAYED, "true");
        }
        return created.value();
    }
}
