package dev.chatsystem.core.embedded;

import dev.chatsystem.core.spi.IndexedMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes for {@link IndexStage}: the writer gives every batch it hands over a sequence number ({@link
 * #give}) before it answers the batch's callers; the indexer publishes the last sequence it attempted, failed or not
 * ({@link #attempted}), so a failing index costs searches the unindexed documents, never a hang. {@link
 * #awaitSearchable()} waits for the sequence given last when it was called; {@link #awaitSearchable(String, long)}
 * only for the last batch that held a document of that chat, so that a search in a chat nobody writes to does not
 * wait behind the writes to other chats. Either gives up after its bound, or at once when the indexer has died.
 * Thread-safe.
 */
final class SearchBarrier {
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(SearchBarrier.class);

    private record ChatRef(String token, long chatNumber) {
        static ChatRef of(IndexedMessage document) {
            return new ChatRef(document.token(), document.chatNumber());
        }
    }

    private final Duration searchableWithin;
    private final BooleanSupplier indexerAlive;
    private final AtomicLong given = new AtomicLong();
    /**
     * Per chat, the sequence of the last batch given that holds one of its documents, until the indexer attempted it.
     * Bounded by the documents handed over and not yet attempted.
     */
    private final ConcurrentHashMap<ChatRef, Long> lastBatchOfChat = new ConcurrentHashMap<>();

    private final ReentrantLock progress = new ReentrantLock();
    private final Condition attemptedMore = progress.newCondition();
    private final AtomicLong lastSlowWarning = new AtomicLong(System.nanoTime() - WARN_EVERY.toNanos());
    private volatile long attempted;

    SearchBarrier(Duration searchableWithin, BooleanSupplier indexerAlive) {
        this.searchableWithin = searchableWithin;
        this.indexerAlive = indexerAlive;
    }

    /** Writer thread: the next sequence, for a batch of these documents; searches of their chats wait for it. */
    long give(List<IndexedMessage> documents) {
        long sequence = given.incrementAndGet();
        for (IndexedMessage document : documents) {
            lastBatchOfChat.put(ChatRef.of(document), sequence);
        }
        return sequence;
    }

    /** Waits until every batch given a sequence before this call was attempted, for at most the configured bound. */
    void awaitSearchable() {
        await(given.get());
    }

    /**
     * Waits until every batch given before this call that holds a document of the chat was attempted, for at most the
     * configured bound.
     */
    void awaitSearchable(String token, long chatNumber) {
        Long target = lastBatchOfChat.get(new ChatRef(token, chatNumber));
        if (target != null) {
            await(target);
        }
    }

    /** Indexer thread: every batch up to {@code sequence} was attempted; searches waiting for them go on. */
    void attempted(long sequence) {
        attempted = sequence;
        wake();
    }

    /**
     * Searches of the batch's chats stop waiting for it, unless a later batch of a chat was given meanwhile: after it
     * was attempted, or when nobody will attempt it.
     */
    void forget(long sequence, List<IndexedMessage> documents) {
        documents.forEach(document -> lastBatchOfChat.remove(ChatRef.of(document), sequence));
    }

    /** Lets waiting searches look again, as when the indexer died. */
    void wake() {
        progress.lock();
        try {
            attemptedMore.signalAll();
        } finally {
            progress.unlock();
        }
    }

    /** How many chats have a batch searches would wait for (bounded by the batches queued or in the indexer). */
    int chatsAwaitingIndexing() {
        return lastBatchOfChat.size();
    }

    private void await(long target) {
        if (attempted >= target) {
            return;
        }
        long remaining = searchableWithin.toNanos();
        progress.lock();
        try {
            while (attempted < target) {
                if (remaining <= 0 || !indexerAlive.getAsBoolean()) {
                    warnSlow(target);
                    return;
                }
                remaining = attemptedMore.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            progress.unlock();
        }
    }

    private void warnSlow(long target) {
        long now = System.nanoTime();
        long last = lastSlowWarning.get();
        if (now - last >= WARN_EVERY.toNanos() && lastSlowWarning.compareAndSet(last, now)) {
            log.warn(
                    "search did not wait for batch {} to be indexed (indexer at {}, {}): it may miss recent writes",
                    target,
                    attempted,
                    indexerAlive.getAsBoolean() ? "slower than " + searchableWithin.toMillis() + " ms" : "stopped");
        }
    }
}
