package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexCatchUpTest {
    private static final Instant AT = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @TempDir
    Path dataDir;

    @Test
    void indexesEveryStoredMessageAndResumesWhereAFailedBatchStopped() {
        try (H2ChatStore store = H2ChatStore.open(dataDir);
                LuceneSearchIndex lucene = LuceneSearchIndex.open(dataDir.resolve("index"))) {
            store.createApplication("tok", "app", AT);
            List<Write> writes = new ArrayList<>(List.of(new Write.ChatCreated("tok", 1, AT)));
            for (long number = 1; number <= 2_500; number++) { // three batches of up to 1,000
                writes.add(new Write.MessageCreated("tok", 1, number, "stored " + number, AT, number));
            }
            store.apply(writes);
            FailingOnce index = new FailingOnce(lucene, 2);

            try (IndexCatchUp catchUp = new IndexCatchUp(store, index)) {
                catchUp.request();
                catchUp.request(); // asked twice before the pass starts: one pass
                Await.until(() -> lucene.count() == 2_500, Duration.ofSeconds(30));
            }

            // batch 1, batch 2 refused, batch 2 again after the pause, batch 3: not restarted from the first
            assertThat(index.calls.get()).isEqualTo(4);
            assertThat(lucene.search("tok", 1, "stored", 3_000)).hasSize(2_500);
        }
    }

    /** Refuses its {@code failing}-th call once, as an Elasticsearch that is briefly away would. */
    private static final class FailingOnce implements SearchIndex {
        private final SearchIndex delegate;
        private final int failing;
        final AtomicInteger calls = new AtomicInteger();

        FailingOnce(SearchIndex delegate, int failing) {
            this.delegate = delegate;
            this.failing = failing;
        }

        @Override
        public void upsert(List<IndexedMessage> messages) {
            if (calls.incrementAndGet() == failing) {
                throw new BackendUnavailableException("search index: away for a moment");
            }
            delegate.upsert(messages);
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
}
