package dev.chatsystem.core.internal;

import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.WorkerListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a failing listener from failing the work it watches: a throw from the embedded writer's thread would stop
 * every write. Failures are logged, not rethrown.
 */
record GuardedWorkerListener(WorkerListener delegate) implements WorkerListener {
    private static final Logger log = LoggerFactory.getLogger(GuardedWorkerListener.class);

    static WorkerListener of(WorkerListener listener) {
        return listener == WorkerListener.NONE ? listener : new GuardedWorkerListener(listener);
    }

    @Override
    public void batchHandled(String stage, int shard, long[] lagMillis) {
        try {
            delegate.batchHandled(stage, shard, lagMillis);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void reconciled(ReconcileReport report, Duration took) {
        try {
            delegate.reconciled(report, took);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public void reconcileFailed(RuntimeException failure, Duration took) {
        try {
            delegate.reconcileFailed(failure, took);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private static void failed(RuntimeException e) {
        log.warn("the worker listener failed (ignored): {}", e.toString());
    }
}
