package dev.chatsystem.core.embedded;

import dev.chatsystem.core.spi.IndexedMessage;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The documents of one committed writer batch, handed to the indexer ({@link IndexStage}).
 *
 * @param sequence given by the {@link SearchBarrier}, in commit order
 * @param queuedNanos for each document, {@link System#nanoTime()} when its write was queued, for the lag
 * @param oldestAt when the oldest of them was accepted, for the backlog's age
 */
record IndexBatch(long sequence, List<IndexedMessage> documents, long[] queuedNanos, Instant oldestAt) {
    /** The characters of {@link IndexStage#MAX_QUEUED_CHARS} this batch takes while queued. */
    int queuedChars() {
        return (int) Math.min(chars(documents), IndexStage.MAX_QUEUED_CHARS);
    }

    /** The characters of the documents' bodies. */
    static long chars(List<IndexedMessage> documents) {
        long chars = 0;
        for (IndexedMessage document : documents) {
            chars += document.body().length();
        }
        return chars;
    }

    /** How long each write of {@code batches} waited from being queued until its document was indexed. */
    static long[] lagMillis(List<IndexBatch> batches, long nowNanos) {
        long[] lag =
                new long[batches.stream().mapToInt(b -> b.queuedNanos().length).sum()];
        int i = 0;
        for (IndexBatch batch : batches) {
            for (long queued : batch.queuedNanos()) {
                lag[i++] = TimeUnit.NANOSECONDS.toMillis(nowNanos - queued);
            }
        }
        return lag;
    }
}
