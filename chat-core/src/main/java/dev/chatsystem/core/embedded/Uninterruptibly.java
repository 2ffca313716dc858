package dev.chatsystem.core.embedded;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The blocking steps of stopping a stage, which must not give up when the calling thread is interrupted: a close that
 * returned early would let the caller close the store and the index under a writer or indexer still using them, and
 * one that never queued its stop entry would leave those threads running for ever. Each step restores the interrupt
 * for the caller once it is done.
 */
final class Uninterruptibly {
    private Uninterruptibly() {}

    /** Queues {@code entry} for {@code consumer}, waiting for room, unless the consumer has ended. */
    static <T> void offerWhileAlive(BlockingQueue<T> queue, T entry, Thread consumer) {
        boolean interrupted = false;
        try {
            while (consumer.isAlive()) {
                try {
                    if (queue.offer(entry, 1, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until {@code thread} has ended. */
    static void join(Thread thread) {
        boolean interrupted = false;
        try {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
