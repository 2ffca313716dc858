package dev.chatsystem.core.embedded;

import dev.chatsystem.core.spi.JobLock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** Locks held in memory: the embedded default is the only process on its data, so it only excludes its own threads. */
public final class LocalJobLock implements JobLock {
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    @Override
    public Optional<Held> tryLock(String job) {
        if (!held.add(job)) {
            return Optional.empty();
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return Optional.of(() -> {
            if (open.getAndSet(false)) {
                held.remove(job);
            }
        });
    }
}
