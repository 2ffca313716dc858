package dev.chatsystem.core.embedded;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded write path's second stage: one thread indexes what the writer committed, so the writer answers its
 * callers without waiting for the index.
 *
 * <p>One thread and a FIFO queue, because the Lucene index keeps no versions: the last upsert of a message must be its
 * newest state, so documents are upserted in the order the writer committed them. The indexer holds the index lock
 * while it upserts, as a reindex batch does while it reads the store and upserts: a document reaches the indexer only
 * after its commit, so whichever of the two takes the lock second writes a body at least as new as the other's.
 *
 * <p>An index failure never fails a write (it is durable): the documents are kept and retried, with the next batch or
 * after {@link #RETRY_EVERY}, up to {@link #MAX_UNINDEXED} documents or {@link #MAX_UNINDEXED_CHARS} characters of
 * bodies (checked after each attempt, so what one attempt took from the queue may exceed them); beyond that they are
 * dropped, as bounded memory beats a perfect retry. So are documents handed to a dead indexer and those still
 * unindexed when the stage closes. Every drop is reported to {@link MissedWrites}, which gets the index rebuilt;
 * {@link #missedWrites()} asks for a reindex until then. A full queue ({@link #CAPACITY} batches or {@link
 * #MAX_QUEUED_CHARS} characters of bodies) makes the writer wait, unless the indexer has been in one attempt for
 * {@link #STUCK_AFTER} (an index that hangs rather than refuses): then the writer leaves its batches in an {@link
 * Overflow}, bounded with the documents held for a retry, and drops them past that bound, so that a hanging index
 * never holds up writes either.
 *
 * <p>Read-your-writes: every batch handed over gets a sequence, and searches wait for the ones of their chat to be
 * attempted ({@link SearchBarrier}).
 */
final class IndexStage implements AutoCloseable {
    static final int MAX_UNINDEXED = 100_000;
    /**
     * Bodies may be up to 65,535 bytes, so the count alone could hold gigabytes while a broken index refuses every
     * upsert. 16 Mi characters take 16 to 32 MiB, an eighth at most of the 256 MiB heap the benchmarks give a server.
     */
    static final long MAX_UNINDEXED_CHARS = 16L << 20;
    /** Batches, not documents: a batch holds at most the writer's batch size, and the indexer takes all at once. */
    static final int CAPACITY = 64;
    /**
     * The characters of bodies queued for the indexer at most (8 to 16 MiB): 64 of the writer's batches of long bodies
     * would hold 64 Mi characters beyond their responses, more than the heap the benchmarks give a server. A batch
     * holding more on its own is queued when the queue is empty.
     */
    static final int MAX_QUEUED_CHARS = 8 << 20;
    /** Long enough for a healthy indexer to catch up, short enough that a stuck one does not hang searches. */
    static final Duration SEARCHABLE_WITHIN = Duration.ofSeconds(5);

    static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    /**
     * How long one attempt may run before the writer stops waiting for it: far longer than a healthy one takes (Lucene
     * indexes 100,000 documents held for a retry in a second or two), far shorter than the Elasticsearch client's
     * response timeout (30 s).
     */
    static final Duration STUCK_AFTER = Duration.ofSeconds(5);
    /** How often a writer waiting for room in the queue looks whether the indexer is dead or stuck. */
    private static final long WAIT_SLICE_MILLIS = 100;

    private static final Logger log = LoggerFactory.getLogger(IndexStage.class);
    private static final IndexBatch STOP = new IndexBatch(Long.MAX_VALUE, List.of(), new long[0], Instant.EPOCH);

    private final SearchIndex index;
    private final Lock indexLock;
    private final WorkerListener listener;
    private final BlockingQueue<IndexBatch> queue;
    /** Permits are characters of the bodies queued: taken by the writer as it queues a batch, given back as taken. */
    private final Semaphore queuedChars = new Semaphore(MAX_QUEUED_CHARS);

    private final Thread indexer;
    private final SearchBarrier barrier;
    private final AtomicLong waiting = new AtomicLong();
    /** Touched by the indexer thread only: documents taken from the queue and not yet indexed. */
    private final List<IndexBatch> held = new ArrayList<>();

    private volatile Instant heldSince;
    private final MissedWrites missed;
    private final Overflow overflow = new Overflow();
    private final Duration stuckAfter;
    /** {@link System#nanoTime()} when the running attempt began (taking the index lock included); 0 between them. */
    private volatile long attemptSince;

    /** How the writer handed a batch over. */
    private enum Handed {
        QUEUED,
        OVERFLOWED,
        INDEXER_DEAD,
        OVERFLOW_FULL
    }

    private IndexStage(
            SearchIndex index,
            Lock indexLock,
            MissedWrites missed,
            int capacity,
            WorkerListener listener,
            Duration searchableWithin,
            Duration stuckAfter) {
        this.index = index;
        this.indexLock = indexLock;
        this.missed = missed;
        this.listener = listener;
        this.stuckAfter = stuckAfter;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.indexer = Thread.ofPlatform().name("chat-indexer").unstarted(this::run);
        this.barrier = new SearchBarrier(searchableWithin, indexer::isAlive);
    }

    /** Starts the indexer with {@link #CAPACITY} and {@link #SEARCHABLE_WITHIN}. */
    static IndexStage start(SearchIndex index, Lock indexLock, MissedWrites missed, WorkerListener listener) {
        return start(index, indexLock, missed, CAPACITY, listener, SEARCHABLE_WITHIN);
    }

    /**
     * Starts the indexer; at most {@code capacity} batches wait for it. {@link #awaitSearchable()} gives up after
     * {@code searchableWithin}.
     */
    static IndexStage start(
            SearchIndex index,
            Lock indexLock,
            MissedWrites missed,
            int capacity,
            WorkerListener listener,
            Duration searchableWithin) {
        return start(index, indexLock, missed, capacity, listener, searchableWithin, STUCK_AFTER);
    }

    /** As above; the writer stops waiting for an attempt that has run for {@code stuckAfter}. */
    static IndexStage start(
            SearchIndex index,
            Lock indexLock,
            MissedWrites missed,
            int capacity,
            WorkerListener listener,
            Duration searchableWithin,
            Duration stuckAfter) {
        IndexStage stage = new IndexStage(index, indexLock, missed, capacity, listener, searchableWithin, stuckAfter);
        stage.indexer.start();
        return stage;
    }

    /**
     * Writer thread, before answering a committed batch's callers: the batch of these documents, with the next
     * sequence. From now on searches wait for it, those in other chats excepted.
     */
    IndexBatch give(List<IndexedMessage> documents, long[] queuedNanos, Instant oldestAt) {
        return new IndexBatch(barrier.give(documents), documents, queuedNanos, oldestAt);
    }

    /**
     * Writer thread: queues the batch {@link #give} made, waiting while the queue is full, but not behind an attempt
     * that is stuck ({@link #STUCK_AFTER}).
     */
    void hand(IndexBatch batch) {
        waiting.addAndGet(batch.documents().size());
        while (true) {
            try {
                Handed handed = offer(batch);
                if (handed == Handed.QUEUED || handed == Handed.OVERFLOWED) {
                    return;
                }
                waiting.addAndGet(-batch.documents().size());
                dropped(
                        batch.documents().size(),
                        handed == Handed.INDEXER_DEAD
                                ? "the indexer has stopped"
                                : "the index has been stuck in one attempt for over " + stuckAfter.toSeconds()
                                        + " s, and the documents waiting for it reached their bound");
                barrier.dropped(batch.sequence(), batch.documents()); // nobody will attempt it
                return;
            } catch (InterruptedException e) {
                // The writer stops only through close(), and this batch is committed: it must reach the index.
            }
        }
    }

    /** Waits until every batch given a sequence before this call was attempted ({@link SearchBarrier}). */
    void awaitSearchable() {
        barrier.awaitSearchable();
    }

    /** Waits until every batch of the chat given before this call was attempted ({@link SearchBarrier}). */
    void awaitSearchable(String token, long chatNumber) {
        barrier.awaitSearchable(token, chatNumber);
    }

    /** The documents handed over and not yet indexed (queued, being indexed or kept for a retry). */
    QueueBacklog backlog() {
        Instant oldest = heldSince;
        if (oldest == null) {
            IndexBatch head = queue.peek();
            oldest = head == null || head == STOP ? null : head.oldestAt();
        }
        long entries = waiting.get();
        Duration age = oldest == null || entries == 0
                ? Duration.ZERO
                : Duration.between(oldest, Instant.now()).abs();
        return new QueueBacklog(0, QueueBacklog.INDEX, entries, age);
    }

    boolean running() {
        return indexer.isAlive();
    }

    /** True once documents were dropped, until the index was repaired: it misses committed writes. */
    boolean missedWrites() {
        return missed.unrepaired();
    }

    /**
     * Writer thread, as it stops (nothing more comes): lets the indexer index everything queued, then stop, even when
     * interrupted meanwhile. What it could not index (the index failing, or the indexer dead) is dropped.
     */
    @Override
    public void close() {
        Uninterruptibly.offerWhileAlive(queue, STOP, indexer);
        Uninterruptibly.join(indexer);
        long unindexed = waiting.getAndSet(0);
        if (unindexed > 0) {
            dropped(unindexed, "closing");
        }
    }

    /**
     * Queues the batch, waiting while the queue is full, of batches or of characters, until the indexer is dead or
     * stuck in an attempt: then the batch goes to the overflow, if it has room. Asked first: a full queue behind a
     * dead indexer stays full, and waiting out a timed offer first cost the writer a second per batch.
     */
    private Handed offer(IndexBatch batch) throws InterruptedException {
        int chars = batch.queuedChars();
        while (!queuedChars.tryAcquire(chars, WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
            if (!indexer.isAlive()) {
                return Handed.INDEXER_DEAD;
            }
            if (stuck()) {
                return overflow(batch);
            }
        }
        try {
            while (indexer.isAlive()) {
                if (queue.offer(batch, WAIT_SLICE_MILLIS, TimeUnit.MILLISECONDS)) {
                    return Handed.QUEUED;
                }
                if (stuck()) {
                    queuedChars.release(chars);
                    return overflow(batch);
                }
            }
        } catch (InterruptedException e) {
            queuedChars.release(chars); // the caller offers the batch again, taking them again
            throw e;
        }
        queuedChars.release(chars);
        return Handed.INDEXER_DEAD;
    }

    private boolean stuck() {
        long since = attemptSince;
        return since != 0 && System.nanoTime() - since >= stuckAfter.toNanos();
    }

    private Handed overflow(IndexBatch batch) {
        return overflow.add(batch) ? Handed.OVERFLOWED : Handed.OVERFLOW_FULL;
    }

    private void run() {
        List<IndexBatch> taken = new ArrayList<>();
        boolean stopping = false;
        try {
            while (!stopping) {
                try {
                    // Never an endless take: a batch the writer left in the overflow as an attempt ended is found
                    // within a retry interval.
                    IndexBatch first = queue.poll(RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                    if (first != null) {
                        taken.add(first);
                        queue.drainTo(taken);
                        queuedChars.release(
                                taken.stream().mapToInt(IndexBatch::queuedChars).sum());
                    }
                } catch (InterruptedException e) {
                    continue; // only close() stops the indexer: queued documents belong to acknowledged writes
                }
                // After the queue: a batch queued was handed after every batch that went to the overflow before it.
                overflow.drainTo(taken);
                taken.sort(Comparator.comparingLong(IndexBatch::sequence)); // commit order, the STOP last
                stopping = taken.remove(STOP);
                index(taken);
                taken.clear();
            }
        } finally {
            barrier.wake(); // a dead indexer must not keep searches waiting for the rest of their bound
        }
    }

    /**
     * One upsert of everything held, oldest first. The sequences taken count as attempted either way, published once
     * the outcome shows in the backlog and health, and before the listener hears of it.
     */
    private void index(List<IndexBatch> taken) {
        held.addAll(taken);
        if (held.isEmpty()) {
            return;
        }
        heldSince = held.get(0).oldestAt();
        List<IndexedMessage> documents = new ArrayList<>();
        held.forEach(b -> documents.addAll(b.documents()));
        boolean indexed = upsert(documents);
        boolean dropped =
                !indexed && (documents.size() > MAX_UNINDEXED || IndexBatch.chars(documents) > MAX_UNINDEXED_CHARS);
        long[] lag = indexed ? IndexBatch.lagMillis(held, System.nanoTime()) : null;
        if (indexed || dropped) {
            waiting.addAndGet(-documents.size());
            held.clear();
            heldSince = null;
            overflow.held(0, 0);
        } else {
            overflow.held(documents.size(), IndexBatch.chars(documents));
        }
        if (dropped) {
            dropped(documents.size(), "the index refused them for too long");
        }
        if (!taken.isEmpty()) {
            barrier.attempted(taken.get(taken.size() - 1).sequence());
            taken.forEach(this::forget);
        }
        if (lag != null) {
            listener.batchHandled(QueueBacklog.INDEX, 0, lag);
        }
    }

    /** Searches of the batch's chats stop waiting for it, unless a later batch of a chat was given meanwhile. */
    private void forget(IndexBatch batch) {
        barrier.forget(batch.sequence(), batch.documents());
    }

    /** How many chats have a batch searches would wait for (bounded by the batches queued or in the indexer). */
    int chatsAwaitingIndexing() {
        return barrier.chatsAwaitingIndexing();
    }

    private boolean upsert(List<IndexedMessage> documents) {
        // Taking the lock counts: it is fair, so this waits for one reindex batch at most, which takes as long as
        // STUCK_AFTER only when the index hangs. Behind a non-fair one, a reindex could keep it for all its batches.
        attemptSince = System.nanoTime() | 1; // never 0, which means no attempt
        indexLock.lock();
        try {
            index.upsert(documents);
            return true;
        } catch (RuntimeException e) {
            log.warn(
                    "indexing {} messages failed, will retry within {} s: {}",
                    documents.size(),
                    RETRY_EVERY.toSeconds(),
                    e.toString());
            return false;
        } finally {
            indexLock.unlock();
            attemptSince = 0;
        }
    }

    /** Reports committed documents that will never be indexed, so that the index is rebuilt. */
    private void dropped(long count, String why) {
        log.error("dropped {} committed messages, not indexed ({}): the index needs a rebuild", count, why);
        missed.record();
    }
}
