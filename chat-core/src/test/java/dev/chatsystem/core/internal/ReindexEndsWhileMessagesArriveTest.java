package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.ReindexReport;
import dev.chatsystem.core.embedded.LocalJobLock;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.Write;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reindex copies what was stored when it began, and ends even while messages are stored faster than it copies them:
 * those are indexed by the write path (into the rebuild, for a full one), so copying them too would only keep it going.
 */
class ReindexEndsWhileMessagesArriveTest {
    private static final String TOKEN = "ends-while-messages-arrive-token-01";
    private static final int STORED_BEFORE = 3 * Reindexer.BATCH_SIZE;
    /** Far more batches than were stored before: a copy that gets here would never end. */
    private static final int MAX_BATCHES = 20;

    @TempDir
    Path dir;

    @Test
    void aFullReindexEndsAndIndexesWhatWasStoredBefore() {
        reindexWhileMessagesArrive(Optional.empty());
    }

    @Test
    void oneApplicationsReindexEndsAndIndexesWhatWasStoredBefore() {
        reindexWhileMessagesArrive(Optional.of(TOKEN));
    }

    private void reindexWhileMessagesArrive(Optional<String> token) {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"))) {
            Instant at = Instant.now();
            store.createApplication(TOKEN, "app", at);
            store.apply(List.of(new Write.ChatCreated(TOKEN, 1, at)));
            for (int first = 1; first <= STORED_BEFORE; first += Reindexer.BATCH_SIZE) {
                store.apply(messages(first, "before", at));
            }
            Reindexer reindexer =
                    new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, new ReentrantLock(), new LocalJobLock());

            ReindexReport report = reindexer.reindex(token, new MoreStoredAfterEachBatch(store, at));

            assertThat(report.indexed()).as("messages the reindex copied").isEqualTo(STORED_BEFORE);
            assertThat(index.search(TOKEN, 1, "before", 2 * STORED_BEFORE))
                    .containsExactlyInAnyOrderElementsOf(
                            LongStream.rangeClosed(1, STORED_BEFORE).boxed().toList());
        }
    }

    /** A batch of messages of chat 1 numbered from {@code first}, each body holding {@code word}. */
    private static List<Write> messages(long first, String word, Instant at) {
        List<Write> batch = new ArrayList<>();
        for (long number = first; number < first + Reindexer.BATCH_SIZE; number++) {
            batch.add(new Write.MessageCreated(TOKEN, 1, number, word + " message " + number, at, number));
        }
        return batch;
    }

    /**
     * After each batch the reindex copied, stores a batch's worth of new messages straight into the store (bypassing
     * the write path, so nothing indexes them), so that the store outgrows the copy; fails the reindex once it has
     * copied {@link #MAX_BATCHES}, rather than let it run for ever.
     */
    private static final class MoreStoredAfterEachBatch implements ReindexListener {
        private final H2ChatStore store;
        private final Instant at;
        private int batches;
        private long next = STORED_BEFORE + 1;

        MoreStoredAfterEachBatch(H2ChatStore store, Instant at) {
            this.store = store;
            this.at = at;
        }

        @Override
        public void progress(long done, long total) {
            if (done == 0) { // reported before the copy starts
                return;
            }
            if (++batches > MAX_BATCHES) {
                throw new AssertionError("the reindex went on past " + MAX_BATCHES + " batches, " + done
                        + " messages, while " + STORED_BEFORE + " were stored before it began");
            }
            store.apply(messages(next, "during", at));
            next += Reindexer.BATCH_SIZE;
        }
    }
}
