package dev.chatsystem.core.testing;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real search index whose upserts a test can make fail, hold at a gate or precede with a hook, to drive the
 * indexer through failures and interleavings without sleeping on chance. Thread-safe.
 */
public final class ControlledIndex implements SearchIndex {
    private final SearchIndex delegate;
    private final List<List<IndexedMessage>> upserted = new CopyOnWriteArrayList<>();
    private final AtomicInteger atGate = new AtomicInteger();
    private volatile boolean failing;
    private volatile Error fatal;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile Runnable beforeUpsert = () -> {};

    public ControlledIndex(SearchIndex delegate) {
        this.delegate = delegate;
    }

    /** While true, upserts throw {@link BackendUnavailableException}, as an index that is down does. */
    public void failing(boolean failing) {
        this.failing = failing;
    }

    /** Upserts throw {@code error} (which the indexer does not catch) from now on. */
    public void dieOnUpsert(Error error) {
        this.fatal = error;
    }

    /** Upserts wait at a gate from now until {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** How many upserts wait at the gate now. */
    public int waitingAtGate() {
        return atGate.get();
    }

    /** Runs {@code hook} at the start of every upsert, on the upserting thread. */
    public void beforeUpsert(Runnable hook) {
        this.beforeUpsert = hook;
    }

    /** The upserts that reached the real index, in order. */
    public List<List<IndexedMessage>> upserted() {
        return upserted;
    }

    @Override
    public void upsert(List<IndexedMessage> messages) {
        beforeUpsert.run();
        atGate.incrementAndGet();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted at the gate", e);
        } finally {
            atGate.decrementAndGet();
        }
        Error error = fatal;
        if (error != null) {
            throw error;
        }
        if (failing) {
            throw new BackendUnavailableException("the index is failing (on purpose)");
        }
        delegate.upsert(messages);
        upserted.add(List.copyOf(messages));
    }

    @Override
    public List<Long> search(String token, long chatNumber, String query, int limit) {
        return delegate.search(token, chatNumber, query, limit);
    }

    @Override
    public void clear(Optional<String> token) {
        delegate.clear(token);
    }

    @Override
    public long count() {
        return delegate.count();
    }

    @Override
    public boolean needsRebuild() {
        return delegate.needsRebuild();
    }

    @Override
    public void rebuilt() {
        delegate.rebuilt();
    }

    @Override
    public BackendStatus health() {
        return delegate.health();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
