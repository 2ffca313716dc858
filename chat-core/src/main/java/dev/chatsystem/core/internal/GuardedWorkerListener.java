package dev.chatsystem.core.internal;

import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.WorkerListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a failing listener from failing the work it watches: a throw from the embedded writer's thread would stop
 * every write. Failures are logged, not rethrown, an {@link Error} too (a listener's failed {@code assert} is one,
 * and the writer takes any Error as fatal); only a {@link VirtualMachineError} (out of memory) still propagates, as
 * the JVM itself is failing then.
 */
final class GuardedWorkerListener implements WorkerListener {
    private static final Logger log = LoggerFactory.getLogger(GuardedWorkerListener.class);

    private final WorkerListener delegate;

    /**
     * Set while a thread runs a method of this listener: mostly a worker thread that its own system's
     * {@link GuardedChatSystem#close} waits for, so a close of that system the listener calls must not wait for the
     * close to finish. Per listener, so that a close of another system from here still waits as any close does.
     */
    private final ThreadLocal<Boolean> calling = ThreadLocal.withInitial(() -> false);

    private GuardedWorkerListener(WorkerListener delegate) {
        this.delegate = delegate;
    }

    static WorkerListener of(WorkerListener listener) {
        return listener == WorkerListener.NONE ? listener : new GuardedWorkerListener(listener);
    }

    /** Whether the current thread is running a method of {@code listener} (one {@link #of} returned). */
    static boolean calling(WorkerListener listener) {
        return listener instanceof GuardedWorkerListener guarded && guarded.calling.get();
    }

    @Override
    public void batchHandled(String stage, int shard, long[] lagMillis) {
        guarded(() -> delegate.batchHandled(stage, shard, lagMillis));
    }

    @Override
    public void reconciled(ReconcileReport report, Duration took) {
        guarded(() -> delegate.reconciled(report, took));
    }

    @Override
    public void reconcileFailed(RuntimeException failure, Duration took) {
        guarded(() -> delegate.reconcileFailed(failure, took));
    }

    private void guarded(Runnable call) {
        boolean outer = calling.get();
        calling.set(true);
        try {
            call.run();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            log.warn("the worker listener failed (ignored): {}", e.toString());
        } finally {
            calling.set(outer);
        }
    }
}
