package dev.chatsystem.core.internal;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ConflictException;
import dev.chatsystem.core.Created;
import dev.chatsystem.core.IdempotencyKey;
import dev.chatsystem.core.IdempotencyMismatchException;
import dev.chatsystem.core.InvalidInputException;
import dev.chatsystem.core.PageRequest;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.IdempotencyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The application operations of {@link DefaultChatSystem}: created under fresh tokens (once per idempotency key),
 * renamed, and read with live chat counts from the numbering where the stored count lags.
 */
final class Applications {
    private final Backends backends;
    private final Existence existence;
    private final Supplier<Instant> now;
    private final Duration retention;
    private final Tokens tokens = new Tokens();

    Applications(Backends backends, Existence existence, Supplier<Instant> now, Duration retention) {
        this.backends = backends;
        this.existence = existence;
        this.now = now;
        this.retention = retention;
    }

    Application create(String name) {
        String valid = Validation.applicationName(name);
        Application created;
        try {
            created = store().createApplication(tokens.next(), valid, now.get());
        } catch (ConflictException collision) {
            // 192 random bits make this practically impossible; one retry covers it without hiding a real bug.
            created = store().createApplication(tokens.next(), valid, now.get());
        }
        backends.numbering().applicationCreated(created.token());
        return created;
    }

    Created<Application> create(String name, IdempotencyKey key) {
        String valid = Validation.applicationName(name);
        Validation.applicationKey(key);
        Instant at = now.get();
        IdempotencyRecord record = new IdempotencyRecord(
                "applications", key.value(), Fingerprints.of("application", valid), tokens.next(), at);
        Optional<IdempotencyRecord> earlier =
                store().createApplication(record.result(), valid, at, record, at.minus(retention));
        if (earlier.isEmpty()) {
            backends.numbering().applicationCreated(record.result());
            return new Created<>(new Application(record.result(), valid, 0, at), false);
        }
        requireSameRequest(earlier.get().fingerprint(), record.fingerprint());
        return new Created<>(
                new Application(earlier.get().result(), valid, 0, earlier.get().at()), true);
    }

    private static void requireSameRequest(String earlier, String now) {
        if (!earlier.equals(now)) {
            throw new IdempotencyMismatchException(
                    "Idempotency-Key was already used with a different request in this scope");
        }
    }

    Application get(String token) {
        return existence
                .application(token)
                .map(this::withLiveCount)
                .orElseThrow(() -> existence.applicationNotFound(token));
    }

    Application rename(String token, String name) {
        String valid = Validation.applicationName(name);
        if (!Tokens.plausible(token)) {
            throw existence.applicationNotFound(token);
        }
        return store().renameApplication(token, valid, now.get())
                .map(this::withLiveCount)
                .orElseThrow(() -> existence.applicationNotFound(token));
    }

    List<Application> list(Optional<String> afterToken, int limit) {
        Validation.required(afterToken, "afterToken", "Optional.empty() for the first page");
        // The cursor is a token from an earlier page. Anything else is refused before the store sees it: MySQL cannot
        // even compare a non-ASCII string with the ascii_bin token column, and would fail the call as unavailable.
        if (afterToken.isPresent() && !Tokens.plausible(afterToken.get())) {
            throw new InvalidInputException(
                    "after must be an application token, was " + Existence.abbreviate(afterToken.get()));
        }
        // With live counts where the numbering knows them at once: the stored count lags the chats created
        // meanwhile, but a listing must neither seed counters after a loss of Redis data nor fail while Redis is down.
        List<Application> stored = store().applications(afterToken, new PageRequest(0, limit).limit());
        Map<String, Long> live = backends.numbering()
                .knownLastChatNumbers(stored.stream().map(Application::token).toList());
        return stored.stream()
                .map(app -> withCount(app, Optional.ofNullable(live.get(app.token()))))
                .toList();
    }

    /**
     * Numbers are gap-free, so the last chat number is the exact count of chats accepted: shown when the stored
     * count has not caught up yet, a client never sees fewer chats than it created.
     */
    private Application withLiveCount(Application app) {
        return withCount(app, Optional.of(backends.numbering().lastChatNumber(app.token())));
    }

    private static Application withCount(Application app, Optional<Long> live) {
        return live.isPresent() && live.get() > app.chatsCount()
                ? new Application(app.token(), app.name(), live.get(), app.createdAt())
                : app;
    }

    private ChatStore store() {
        return backends.store();
    }
}
