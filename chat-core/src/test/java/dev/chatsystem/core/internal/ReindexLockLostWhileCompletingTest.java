package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ReindexListener;
import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import dev.chatsystem.core.elasticsearch.TestIndices;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.LosableJobLock;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full reindex whose lock is lost after its last batch, while it completes, fails as one that lost it between
 * batches does: another process may have taken the lock and started its own, so this one must not swap its index in.
 */
class ReindexLockLostWhileCompletingTest {
    private static final String TOKEN = "lock-lost-completing-token-0123";

    @RegisterExtension
    static final TestIndices indices = new TestIndices();

    @TempDir
    Path dir;

    @Test
    void aReindexWhoseLockIsLostDuringItsLastCopyFailsAndSearchesKeepTheOldIndex() {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(indices.url(), indices.newName())) {
            Instant at = Instant.now();
            store.createApplication(TOKEN, "app", at);
            store.apply(List.of(
                    new Write.ChatCreated(TOKEN, 1, at), new Write.MessageCreated(TOKEN, 1, 1, "rebuilt body", at, 2)));
            index.upsert(List.of(new IndexedMessage(TOKEN, 1, 1, "old body", 1)));
            LosableJobLock losing = new LosableJobLock();
            // Lost once the rebuild has blocked writes to the old index for its last copy: after every batch.
            losing.losesWhen(() -> index.health().detail().contains("blocked"));
            Reindexer reindexer =
                    new Reindexer(store, index, Reindexer.StoredWrites.ALWAYS, new ReentrantLock(), losing);

            assertThatThrownBy(() -> reindexer.reindex(Optional.empty(), ReindexListener.NONE))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("lost its job lock");
            assertThat(index.search(TOKEN, 1, "old", 10))
                    .as("the old index, not swapped out")
                    .containsExactly(1L);
            assertThat(index.search(TOKEN, 1, "rebuilt", 10)).isEmpty();
            assertThat(losing.closed()).isTrue();
        }
    }
}
