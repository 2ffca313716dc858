package dev.chatsystem.core.redis;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.IdempotencyMismatchException;
import dev.chatsystem.core.NotFoundException;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.Idempotency;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The arguments and replies of the create and edit scripts ({@link Scripts}) that {@link RedisWritePath} runs. */
final class ScriptReplies {
    static final String QUEUE_FULL = "the write queue is full (workers are behind); retry later";

    private ScriptReplies() {}

    static String fingerprint(Optional<Idempotency> idempotency) {
        return idempotency.map(Idempotency::fingerprint).orElse("");
    }

    static String ttlSeconds(Optional<Idempotency> idempotency) {
        return Long.toString(
                idempotency.map(key -> Math.max(1, key.retention().toSeconds())).orElse(1L));
    }

    /** A create's number, or the one an idempotency record replays; throws for a refusal. */
    static Accepted accepted(Object reply, Instant at, long chatNumber) {
        if (reply instanceof List<?> list && "REPLAY".equals(list.get(0))) {
            return new Accepted(
                    Long.parseLong(String.valueOf(list.get(1))),
                    PendingValues.instant(String.valueOf(list.get(2))),
                    true);
        }
        if (reply instanceof List<?> list && "MISMATCH".equals(list.get(0))) {
            throw new IdempotencyMismatchException(
                    "Idempotency-Key was already used with a different request in this scope");
        }
        return new Accepted(number(reply, chatNumber), at, false);
    }

    /** The time the edit script stored the edit with (micros); throws for a refusal. */
    static Instant editedAt(Object reply, long chatNumber) {
        return PendingValues.instant(number(reply, chatNumber));
    }

    /** True when a counter is missing: seed it from the store and run the script again. */
    static boolean isSeedRequest(Object reply) {
        return isRefusal(reply, "SEED");
    }

    /** True when the script refused for {@code why} ({@code NOCHAT}, {@code NOMSG}, ...). */
    static boolean isRefusal(Object reply, String why) {
        return reply instanceof List<?> list && why.equals(list.get(0));
    }

    static long number(Object reply, long chatNumber) {
        if (reply instanceof Long number) {
            return number;
        }
        String why = reply instanceof List<?> list ? String.valueOf(list.get(0)) : String.valueOf(reply);
        throw switch (why) {
            case "FULL" -> new BackendUnavailableException(QUEUE_FULL);
            case "NOCHAT" -> new NotFoundException("application has no chat " + chatNumber);
            case "NOMSG" -> new NotFoundException("chat " + chatNumber + " has no such message");
            default -> new BackendUnavailableException("unexpected reply from Redis: " + why);
        };
    }
}
