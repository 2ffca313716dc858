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
record GuardedWorkerListener(WorkerListener delegate) implements WorkerListener {
    private static final Logger log = LoggerFactory.getLogger(GuardedWorkerListener.class);
    /**
     * Set while a thread runs a listener method: mostly a worker thread that {@link GuardedChatSystem#close} waits for,
     * so a close the listener calls must not wait for the close to finish.
     */
    private static final ThreadLocal<Boolean> CALLING = ThreadLocal.withInitial(() -> false);

    static WorkerListener of(WorkerListener listener) {
        return listener == WorkerListener.NONE ? listener : new GuardedWorkerListener(listener);
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

    /** Whether the current thread is running a listener method: a close called there must not wait (see below). */
    static boolean calling() {
        return CALLING.get();
    }

    private static void guarded(Runnable call) {
        boolean outer = CALLING.get();
        CALLING.set(true);
        try {
            call.run();
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            log.warn("the worker listener failed (ignored): {}", e.toString());
        } finally {
            CALLING.set(outer);
        }
    }
}
