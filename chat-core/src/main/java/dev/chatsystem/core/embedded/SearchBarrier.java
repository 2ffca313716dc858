package dev.chatsystem.core.embedded;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexedMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * wait behind the writes to other chats. A batch the writer drops ({@link #dropped}) is waited for no more, but the
 * batches given before it still are. Either gives up after its bound, or at once when the indexer has died, and
 * throws {@link BackendUnavailableException}, the interrupt kept, when the thread is interrupted while it waits.
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
    /** What {@link #awaitSearchable()} waits for: the batch given last, or the one before it that was not dropped. */
    private volatile long target;
    /** Writer thread only: what the last {@link #give} replaced, put back should its batch be dropped. */
    private Given lastGiven = new Given(0, Map.of(), 0);

    /**
     * A batch as given: its sequence, each of its chats' entry before it (0 for none) and the target before it. Each
     * entry points to a batch that was not dropped, since the writer hands a batch over before it gives the next.
     */
    private record Given(long sequence, Map<ChatRef, Long> previousOfChat, long previousTarget) {}

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
        Map<ChatRef, Long> previousOfChat = new HashMap<>();
        for (IndexedMessage document : documents) {
            ChatRef chat = ChatRef.of(document);
            Long previous = lastBatchOfChat.put(chat, sequence);
            if (previous == null || previous != sequence) {
                previousOfChat.put(chat, previous == null ? 0L : previous);
            }
        }
        lastGiven = new Given(sequence, previousOfChat, target);
        target = sequence;
        return sequence;
    }

    /**
     * Waits until every batch given a sequence before this call was attempted (dropped ones excepted), for at most the
     * configured bound.
     */
    void awaitSearchable() {
        await(target);
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

    /**
     * Writer thread: nobody will attempt this batch. Searches stop waiting for it, yet still wait for the batches of its
     * chats given before it: forgetting the chats outright would let a search miss an earlier write still queued.
     */
    void dropped(long sequence, List<IndexedMessage> documents) {
        Given dropped = lastGiven;
        if (dropped.sequence() != sequence) { // not the batch given last, against the writer's order: forget it
            forget(sequence, documents);
            return;
        }
        if (target == sequence) {
            target = dropped.previousTarget();
        }
        dropped.previousOfChat().forEach((chat, previous) -> {
            if (previous <= attempted) {
                lastBatchOfChat.remove(chat, sequence);
            } else if (lastBatchOfChat.replace(chat, sequence, previous) && previous <= attempted) {
                // The indexer attempted that batch, and forgot it, as it was put back: forgotten here instead.
                lastBatchOfChat.remove(chat, previous);
            }
        });
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
            // Thrown, not returned: the search would read H2 next, and an interrupt during its file I/O closes the
            // file for every thread (h2database#1076).
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while the search waited for the indexer", e);
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
