package dev.chatsystem.core.redis;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link CatchUpMarker} in this process only, for tests of a catch-up that no other process takes over. */
final class InMemoryCatchUpMarker implements CatchUpMarker {
    private final AtomicReference<String> value = new AtomicReference<>();

    @Override
    public void set() {
        value.set(UUID.randomUUID().toString());
    }

    @Override
    public Optional<String> get() {
        return Optional.ofNullable(value.get());
    }

    @Override
    public void clear(String expected) {
        value.compareAndSet(expected, null);
    }
}
