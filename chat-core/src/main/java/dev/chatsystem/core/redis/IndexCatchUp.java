package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.spi.MessageBatch;
import dev.chatsystem.core.spi.SearchIndex;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes every stored message again after an index queue was found missing: when Redis loses its data (FLUSHALL, a
 * restart without persistence), messages already persisted whose index entries were still queued would otherwise
 * stay out of search until someone ran a reindex. Unlike a reindex it clears nothing, so search keeps answering, and
 * documents are versioned, so a message edited meanwhile keeps its newer state.
 *
 * <p>A pass covers the messages stored when it starts, after a pause that lets persist batches already under way
 * commit: whatever is persisted later comes from entries the new queue holds, which the index workers take. So on a
 * new deployment, whose groups are missing too, and while workers drain a backlog that API instances queued before
 * any worker ran, a pass finds little to do instead of indexing the whole drain a second time. A batch from the lost
 * queue that commits after the pass read where the store ends (slowed by lock waits, or run again under new ids) is
 * indexed by the worker that stored it ({@link OrphanedBatchIndexer}), whether or not it still holds the shard. The
 * pause comes before every pass, also one a periodic check finds owed, so that the passes asked for by every shard's
 * drainers are served by one. One pass at a time, on its own thread; requests during a pass (every shard reports its
 * own loss) start one more pass after it. A pass that fails (Elasticsearch down) resumes where it stopped after a
 * pause.
 *
 * <p>A pass owed is recorded where every worker sees it ({@link CatchUpMarker}) and run under a {@link JobLock}: one
 * worker runs it while the others wait, and when the worker running it stops before the end, another one, checking
 * every {@link #CHECK_EVERY} and at its start, finds the record still there once the lock has lapsed and runs it.
 */
final class IndexCatchUp implements AutoCloseable {
    static final int BATCH_SIZE = 1_000;
    /**
     * Lets the other shards' drainers notice the same loss, so that one pass serves them all, and persist batches read
     * from the lost queue commit before the pass reads where the store ends.
     */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    /** How often a worker looks for a pass owed that no one runs. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(10);

    static final String JOB = "index-catch-up";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(IndexCatchUp.class);

    private final ChatStore store;
    private final SearchIndex index;
    private final CatchUpMarker marker;
    private final JobLock lock;
    private final BlockingQueue<Boolean> requests = new ArrayBlockingQueue<>(1);
    /** A pass asked for here that the marker may not hold (it could not be written): run it anyway. */
    private volatile boolean askedHere;

    private final Thread thread;
    /**
     * Set by {@link #close}, which never interrupts the thread: an interrupt that lands inside a write to a Lucene
     * index closes its file channel and with it the whole index writer.
     */
    private volatile boolean closed;

    IndexCatchUp(ChatStore store, SearchIndex index, CatchUpMarker marker, JobLock lock) {
        this.store = store;
        this.index = index;
        this.marker = marker;
        this.lock = lock;
        this.thread = Thread.ofVirtual().name("chat-index-catch-up").start(this::run);
    }

    /** Asks for a pass over every stored message; returns at once. */
    void request() {
        try {
            marker.set();
        } catch (RuntimeException e) {
            askedHere = true;
            log.warn(
                    "index catch-up: cannot record the pass owed for other workers, running it here: {}", e.toString());
        }
        requests.offer(Boolean.TRUE); // one waiting request is enough: a full queue means a pass is asked for
    }

    private void run() {
        long nextCheck = System.nanoTime(); // at once: a pass that a worker stopped since left owed
        while (!closed) {
            boolean asked;
            try {
                asked = requests.poll(POLL.toMillis(), TimeUnit.MILLISECONDS) != null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // nobody interrupts it (see closed): stop
                return;
            }
            if (!asked && System.nanoTime() - nextCheck < 0) {
                continue;
            }
            if (asked) {
                pause(SETTLE);
                requests.clear();
            }
            if (!closed) {
                runOwedPass(!asked);
            }
            nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
        }
    }

    /**
     * Runs the pass owed, if any, unless another worker holds the job: that one runs it, or stops and lets its lock
     * lapse, and a later check runs it here. {@code settle}: pause first, as the worker that asked for it does (a
     * check may find the record the moment it is written).
     */
    private void runOwedPass(boolean settle) {
        boolean here = askedHere;
        Optional<JobLock.Held> held;
        try {
            if (!here && marker.get().isEmpty()) {
                return;
            }
            if (settle) {
                pause(SETTLE);
            }
            held = lock.tryLock(JOB);
        } catch (RuntimeException e) {
            log.warn("index catch-up: cannot tell whether a pass is owed, checking again later: {}", e.toString());
            return;
        }
        if (held.isEmpty()) {
            return;
        }
        try (JobLock.Held running = held.get()) {
            Optional<String> owed = marker.get(); // read again under the lock: another worker may have run it
            if (owed.isEmpty() && !here) {
                return;
            }
            if (passWithRetries(running)) {
                owed.ifPresent(marker::clear);
                if (here) {
                    askedHere = false;
                }
            }
        } catch (RuntimeException e) { // the marker could not be read or cleared: the pass runs again later
            log.warn("index catch-up: the record of the pass owed could not be read or cleared: {}", e.toString());
        }
    }

    /** Sleeps for {@code duration}, or less once closed. */
    private void pause(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (!closed && System.nanoTime() < end) {
            LockSupport.parkNanos(Math.min(POLL.toNanos(), end - System.nanoTime()));
        }
    }

    /**
     * Runs a pass, retrying failed batches; whether it reached the end (false when closed before, or when its lock was
     * lost: the worker that holds it now, or a later check, runs the pass owed again).
     */
    private boolean passWithRetries(JobLock.Held running) {
        long started = System.nanoTime();
        long end = -1;
        long cursor = 0;
        long indexed = 0;
        while (!closed && !running.lost() && (end < 0 || cursor < end)) {
            MessageBatch batch;
            try {
                if (end < 0) {
                    end = store.lastIndexCursor();
                    continue;
                }
                batch = store.messagesForIndex(Optional.empty(), cursor, BATCH_SIZE);
                if (batch.messages().isEmpty()) {
                    break;
                }
                index.indexInBackground(batch.messages());
            } catch (RuntimeException | Error e) { // an Error too: a dead thread would take no request again
                log.warn(
                        "index catch-up failed after {} messages, resuming in {} s: {}",
                        indexed,
                        RETRY_AFTER.toSeconds(),
                        e.toString());
                pause(RETRY_AFTER);
                continue;
            }
            indexed += batch.messages().size();
            cursor = batch.nextCursor();
        }
        boolean lost = running.lost();
        log.info(
                "index catch-up after a missing queue: {} messages indexed again in {} ms{}",
                indexed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                closed
                        ? ", stopped before the end (another worker finishes it)"
                        : lost ? ", stopped before the end: its job lock was lost (the pass stays owed)" : "");
        return !closed && !lost;
    }

    /**
     * Stops a pass in progress after its current batch; the pass stays owed (see {@link CatchUpMarker}) for another
     * worker to run.
     */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
