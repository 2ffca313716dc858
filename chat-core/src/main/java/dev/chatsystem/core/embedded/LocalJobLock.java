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
        return Optional.of(new Hold(job));
    }

    /** Held in this process's memory until closed: it is never lost. */
    private final class Hold implements Held {
        private final String job;
        private final AtomicBoolean open = new AtomicBoolean(true);

        Hold(String job) {
            this.job = job;
        }

        @Override
        public boolean lost() {
            return false;
        }

        @Override
        public void close() {
            if (open.getAndSet(false)) {
                held.remove(job);
            }
        }
    }
}
