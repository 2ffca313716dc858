package dev.chatsystem.core.spi;

import dev.chatsystem.core.ReconcileReport;

/**
 * The port that brings {@code chats_count} and {@code messages_count} in line with the stored rows. Safe to run
 * concurrently from several processes: the outcome is the same as running it once.
 */
public interface CountReconciler {

    /** Recomputes the counts from the rows and reports each one it changed. */
    ReconcileReport reconcile();
}
