package dev.chatsystem.core.embedded;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.spi.Accepted;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.Edited;
import dev.chatsystem.core.spi.ExpiredKeyPurge;
import dev.chatsystem.core.spi.Idempotency;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.WritePath;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded write path: callers queue their write and wait; one writer thread takes everything queued, numbers it,
 * commits it to the store in one transaction (group commit), answers every caller and hands the batch's documents to
 * the indexer ({@link IndexStage}), which {@link #awaitSearchable()} waits for.
 *
 * <p>One writer makes numbering trivially gap-free and keeps edits of a message in acceptance order; batching makes
 * the cost of a durable commit shared by all writes waiting at that moment. Indexing is a stage of its own so callers are
 * answered once their batch is durable, not after Lucene's analysis too. The queue is bounded: when it is full for
 * {@link #OFFER_TIMEOUT}, the write is refused with {@link BackendUnavailableException} rather than letting memory
 * grow. A batch the store refuses fails its callers and the writer goes on; an {@link Error} (out of memory, say)
 * stops the writer for good, as its numbering may no longer match the store: health reports it, the index is reported
 * missing writes (the batch in hand may be committed without having reached it), and every caller
 * still waiting, and every later one, gets {@link BackendUnavailableException}.
 */
public final class GroupCommitWritePath implements WritePath {
    static final Duration OFFER_TIMEOUT = Duration.ofSeconds(5);
    static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    /** Body characters one batch takes at most (a single longer write alone): about 1 MB of plain text. */
    static final long MAX_BATCH_CHARS = 1L << 20;

    private static final Logger log = LoggerFactory.getLogger(GroupCommitWritePath.class);
    static final String MISSED_WRITES = "the search index missed writes while it was failing, so searches may miss"
            + " messages: run a reindex (ChatSystem.reindex, or chat-cli reindex while the server is stopped)";
    private static final PendingWrite STOP = PendingWrite.createChat("", Instant.EPOCH, Optional.empty());

    private final int batchSize;
    private final BlockingQueue<PendingWrite> queue;
    private final Thread writer;
    private final IndexStage indexing;
    private final MissedWrites missedWrites;
    /** Used by the writer thread only. */
    private final BatchCommits commits;

    /** The batch the writer is committing, out of the queue but not finished; null between batches. */
    private volatile Committing committing;

    private volatile boolean accepting = true;
    /** Set by the writer before its last drain of the queue: a write queued after it must fail by itself. */
    private volatile boolean writerDone;

    private final AtomicBoolean stopQueued = new AtomicBoolean();
    private final ExpiredKeyPurge keyPurge;

    private GroupCommitWritePath(
            ChatStore store,
            SearchIndex index,
            Lock indexLock,
            MissedWrites missedWrites,
            int capacity,
            int batchSize,
            Duration keyRetention,
            WorkerListener listener) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(store, "store");
        this.keyPurge = new ExpiredKeyPurge(store, keyRetention, PURGE_EVERY);
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(capacity + 1);
        WriteVersions versions = new WriteVersions(store.maxMessageVersion());
        this.writer = Thread.ofPlatform().name("chat-writer").unstarted(this::run);
        this.missedWrites = Objects.requireNonNull(missedWrites, "missedWrites");
        this.indexing = IndexStage.start(
                Objects.requireNonNull(index, "index"),
                Objects.requireNonNull(indexLock, "indexLock"),
                missedWrites,
                listener);
        this.commits = new BatchCommits(store, versions, indexing, missedWrites, listener);
    }

    /**
     * Starts a writer over {@code store} and an indexer over {@code index}; {@code indexLock} (fair, so that a
     * reindex cannot keep the indexer out) is held while documents are upserted, and committed documents the indexer
     * drops are reported to {@code missedWrites}. Idempotency records older than {@code keyRetention} are purged every
     * {@link #PURGE_EVERY}. Each committed batch is reported to {@code listener} as stage {@code persist} of shard 0,
     * each indexed one as stage {@code index}; it must not throw.
     */
    public static GroupCommitWritePath start(
            ChatStore store,
            SearchIndex index,
            Lock indexLock,
            MissedWrites missedWrites,
            int capacity,
            int batchSize,
            Duration keyRetention,
            WorkerListener listener) {
        GroupCommitWritePath path = new GroupCommitWritePath(
                store, index, indexLock, missedWrites, capacity, batchSize, keyRetention, listener);
        path.writer.start();
        return path;
    }

    @Override
    public Accepted createChat(String token, Instant at, Optional<Idempotency> idempotency) {
        return submit(PendingWrite.createChat(token, at, idempotency));
    }

    @Override
    public Accepted createMessage(
            String token, long chatNumber, String body, Instant at, Optional<Idempotency> idempotency) {
        return submit(PendingWrite.createMessage(token, chatNumber, body, at, idempotency));
    }

    /** The writer checks the chat against the store's maximum while numbering ({@link BatchNumbering}). */
    @Override
    public boolean refusesUnknownParents() {
        return true;
    }

    @Override
    public Edited editMessage(String token, long chatNumber, long messageNumber, String body, Instant at) {
        Accepted accepted = submit(PendingWrite.editMessage(token, chatNumber, messageNumber, body, at));
        return Edited.at(accepted.at()); // dated by the writer (WriteVersions#editedAt); the caller reads the rest
    }

    /** Always empty: a write is acknowledged only after it is committed to the store. */
    @Override
    public Optional<Chat> pendingChat(String token, long chatNumber) {
        return Optional.empty();
    }

    /** Always empty: a write is acknowledged only after it is committed to the store. */
    @Override
    public Optional<Message> pendingMessage(String token, long chatNumber, long messageNumber) {
        return Optional.empty();
    }

    /** Always empty: a write is acknowledged only after it is committed to the store. */
    @Override
    public List<Chat> pendingChats(String token, long after, int limit) {
        return List.of();
    }

    /** Always empty: a write is acknowledged only after it is committed to the store. */
    @Override
    public List<Message> pendingMessages(String token, long chatNumber, long after, int limit) {
        return List.of();
    }

    /** Always empty: a write is acknowledged only after it is committed to the store. */
    @Override
    public Map<Long, Message> pendingMessages(String token, long chatNumber, List<Long> numbers) {
        return Map.of();
    }

    @Override
    public long pending() {
        return queue.size();
    }

    /**
     * The writes not committed yet ({@code persist}: queued, or in the batch being committed), and the committed ones
     * waiting for the indexer.
     */
    @Override
    public List<QueueBacklog> backlog() {
        Committing inFlight = committing;
        PendingWrite head = queue.peek();
        long entries = queue.size();
        Instant oldest = head == null || head == STOP ? null : head.at();
        if (inFlight != null) {
            entries += inFlight.writes();
            oldest = oldest == null || inFlight.oldestAt().isBefore(oldest) ? inFlight.oldestAt() : oldest;
        }
        Duration age = oldest == null
                ? Duration.ZERO
                : Duration.between(oldest, Instant.now()).abs();
        return List.of(new QueueBacklog(0, QueueBacklog.PERSIST, entries, age), indexing.backlog());
    }

    /**
     * Waits until every write acknowledged before the call was attempted by the indexer, at most
     * {@link IndexStage#SEARCHABLE_WITHIN}.
     */
    @Override
    public void awaitSearchable() {
        indexing.awaitSearchable();
    }

    /** Waits only for the writes to this chat: see {@link IndexStage#awaitSearchable(String, long)}. */
    @Override
    public void awaitSearchable(String token, long chatNumber) {
        indexing.awaitSearchable(token, chatNumber);
    }

    /** The writer or the indexer ended by an error (not by {@link #close}): nothing in the process restarts them. */
    @Override
    public Optional<String> stoppedForGood() {
        return stopQueued.get() ? Optional.empty() : stopped(); // closing: both end by design
    }

    @Override
    public BackendStatus health() {
        Optional<String> stopped = stopped();
        if (stopped.isPresent()) {
            return BackendStatus.down("writes", "group-commit", stopped.get());
        }
        if (indexing.missedWrites()) {
            // Writes work: only searches miss some messages. Down would take a serving instance out of a load
            // balancer for good, since nothing in the process repairs the index but a reindex or the next start.
            return BackendStatus.warning("writes", "group-commit", MISSED_WRITES);
        }
        return BackendStatus.up("writes", "group-commit");
    }

    /** Which of the writer and the indexer has ended, for whatever reason. */
    private Optional<String> stopped() {
        if (!writer.isAlive()) {
            return Optional.of("writer stopped");
        }
        return indexing.running() ? Optional.empty() : Optional.of("indexer stopped");
    }

    /**
     * Refuses new writes, lets the writer finish every accepted one and then the indexer everything committed, so a
     * clean close leaves the index complete. Returns only once both have stopped, even when the calling thread is
     * interrupted meanwhile (the interrupt is kept): the store and the index are closed next.
     */
    @Override
    public void close() {
        accepting = false;
        if (stopQueued.compareAndSet(false, true)) {
            Uninterruptibly.offerWhileAlive(queue, STOP, writer);
        }
        Uninterruptibly.join(writer); // the writer stops the indexer last
    }

    private Accepted submit(PendingWrite write) {
        if (!accepting) {
            throw new BackendUnavailableException("the chat system is shutting down");
        }
        return queueAndWait(write);
    }

    /**
     * Queues a write whose caller found the path accepting and waits for its answer. Package-private so that tests can
     * queue a write behind the writer's stop, as a caller does that passed the check just before close() flipped it.
     */
    Accepted queueAndWait(PendingWrite write) {
        try {
            if (!queue.offer(write, OFFER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BackendUnavailableException("write queue is full; retry later");
            }
            if (writerDone && queue.remove(write)) { // queued after the writer's last look at the queue
                throw new BackendUnavailableException("the chat system is shutting down");
            }
            // Untimed: the writer answers every write it takes or finds queued when it stops (see run). A timed wait
            // would cost each write a timer task on the JDK's delay scheduler, a tenth of the server's CPU.
            return write.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting for the write", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChatException chat) {
                throw chat;
            }
            throw new BackendUnavailableException("write failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Adds what is queued behind the batch's first write, up to the batch size and about {@link #MAX_BATCH_CHARS}
     * of bodies: a batch of 2,000 bodies of 64 KB would be 128 MB in one H2 transaction.
     */
    private void takeQueued(List<PendingWrite> batch) {
        long chars = bodyChars(batch.getFirst());
        while (batch.size() < batchSize && chars < MAX_BATCH_CHARS) {
            PendingWrite next = queue.poll();
            if (next == null) {
                return;
            }
            batch.add(next);
            chars += bodyChars(next);
        }
    }

    private static long bodyChars(PendingWrite write) {
        return write.body() == null ? 0 : write.body().length();
    }

    private void run() {
        List<PendingWrite> batch = new ArrayList<>(batchSize);
        boolean stopping = false;
        BackendUnavailableException failure = null;
        try {
            while (!stopping) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    // Only close() stops the writer: accepted writes must be finished.
                    continue;
                }
                takeQueued(batch);
                stopping = batch.remove(STOP);
                commit(batch);
                purgeExpiredKeys();
            }
            // Writes of callers that passed the accepting check just before it flipped may be queued behind the stop:
            // committed in bounded batches too, as one batch of up to the queue's capacity could run the writer out
            // of memory. Nothing new is accepted, so this ends.
            for (PendingWrite late = queue.poll(); late != null; late = queue.poll()) {
                batch.add(late);
                takeQueued(batch);
                commit(batch);
            }
        } catch (RuntimeException | Error e) {
            // The numbering and the store may disagree now: stop for good (health reports it) and answer everyone.
            accepting = false; // later writes fail at once instead of queueing for nobody
            // The batch in hand may be committed without having reached the indexer: rebuild the index to be sure.
            missedWrites.record();
            log.error("the writer stopped; writes fail until a restart", e);
            failure = new BackendUnavailableException("the writer stopped: " + e, e);
        } finally {
            writerDone = true;
            try {
                failLeftovers(
                        batch,
                        failure != null
                                ? failure
                                : new BackendUnavailableException("the chat system is shutting down"));
            } finally {
                indexing.close(); // nothing more will be handed over: the indexer finishes its queue and stops
            }
        }
    }

    /**
     * Commits the batch, if any, and empties it; left in hand when the commit throws. The backlog counts it until it is
     * committed or failed: a commit that stalls shows as persist lag while its callers wait.
     */
    private void commit(List<PendingWrite> batch) {
        if (!batch.isEmpty()) {
            committing = new Committing(batch.size(), oldestAt(batch));
            try {
                commits.commit(batch, () -> committing = null);
            } finally {
                committing = null;
            }
        }
        batch.clear();
    }

    private static Instant oldestAt(List<PendingWrite> batch) {
        Instant oldest = batch.getFirst().at();
        for (PendingWrite write : batch) {
            oldest = write.at().isBefore(oldest) ? write.at() : oldest;
        }
        return oldest;
    }

    /** What {@link #backlog()} reads of the batch being committed, published in one write. */
    private record Committing(int writes, Instant oldestAt) {}

    /**
     * Fails with {@code failure} every write nobody will answer now that the writer stops: the batch in hand (empty
     * after a clean stop) and whatever is still queued, such as writes of callers that passed the accepting check just
     * before it flipped.
     */
    private void failLeftovers(List<PendingWrite> batch, BackendUnavailableException failure) {
        BatchCommits.fail(batch, failure);
        for (PendingWrite late = queue.poll(); late != null; late = queue.poll()) {
            if (late != STOP) {
                late.result().completeExceptionally(failure);
            }
        }
    }

    /** A chunk of the purge under way, if any: writes wait behind one chunk at most, never a whole purge. */
    private void purgeExpiredKeys() {
        try {
            keyPurge.step();
        } catch (RuntimeException e) {
            log.warn("purging expired idempotency keys failed: {}", e.toString());
        }
    }
}
