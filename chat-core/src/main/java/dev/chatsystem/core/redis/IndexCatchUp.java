package dev.chatsystem.core.redis;

import dev.chatsystem.core.spi.ChatStore;
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
 * any worker ran, a pass finds little to do instead of indexing the whole drain a second time. One pass at a time, on
 * its own thread; requests during a pass (every shard reports its own loss) start one more pass after it. A pass that
 * fails (Elasticsearch down) resumes where it stopped after a pause.
 */
final class IndexCatchUp implements AutoCloseable {
    static final int BATCH_SIZE = 1_000;
    /**
     * Lets the other shards' drainers notice the same loss, so that one pass serves them all, and persist batches read
     * from the lost queue commit before the pass reads where the store ends.
     */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(IndexCatchUp.class);

    private final ChatStore store;
    private final SearchIndex index;
    private final BlockingQueue<Boolean> requests = new ArrayBlockingQueue<>(1);
    private final Thread thread;
    /**
     * Set by {@link #close}, which never interrupts the thread: an interrupt that lands inside a write to a Lucene
     * index closes its file channel and with it the whole index writer.
     */
    private volatile boolean closed;

    IndexCatchUp(ChatStore store, SearchIndex index) {
        this.store = store;
        this.index = index;
        this.thread = Thread.ofVirtual().name("chat-index-catch-up").start(this::run);
    }

    /** Asks for a pass over every stored message; returns at once. */
    void request() {
        requests.offer(Boolean.TRUE); // one waiting request is enough: a full queue means a pass is asked for
    }

    private void run() {
        while (!closed) {
            try {
                if (requests.poll(POLL.toMillis(), TimeUnit.MILLISECONDS) == null) {
                    continue;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // nobody interrupts it (see closed): stop
                return;
            }
            pause(SETTLE);
            requests.clear();
            if (!closed) {
                passWithRetries();
            }
        }
    }

    /** Sleeps for {@code duration}, or less once closed. */
    private void pause(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (!closed && System.nanoTime() < end) {
            LockSupport.parkNanos(Math.min(POLL.toNanos(), end - System.nanoTime()));
        }
    }

    private void passWithRetries() {
        long started = System.nanoTime();
        long end = -1;
        long cursor = 0;
        long indexed = 0;
        while (!closed && (end < 0 || cursor < end)) {
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
        log.info(
                "index catch-up after a missing queue: {} messages indexed again in {} ms",
                indexed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Stops a pass in progress after its current batch (the next loss, or an operator's reindex, covers what it did
     * not reach).
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
