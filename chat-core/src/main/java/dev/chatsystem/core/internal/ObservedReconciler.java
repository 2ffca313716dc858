package dev.chatsystem.core.internal;

import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.spi.CountReconciler;
import java.time.Duration;

/** Reports every reconciliation, periodic or asked for, with how long it took, to the listener. */
record ObservedReconciler(CountReconciler delegate, WorkerListener listener) implements CountReconciler {

    @Override
    public ReconcileReport reconcile() {
        long start = System.nanoTime();
        ReconcileReport report;
        try {
            report = delegate.reconcile();
        } catch (RuntimeException e) {
            listener.reconcileFailed(e, Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
        listener.reconciled(report, Duration.ofNanos(System.nanoTime() - start));
        return report;
    }
}
