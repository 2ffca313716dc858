package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.Message;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.embedded.GroupCommitWritePath;
import dev.chatsystem.core.embedded.MissedWrites;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.search.QueryWords;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a search shows of the numbers an index ranked, when the index lags the store: an edit already stored whose
 * body no longer holds the query is left out, as one still pending is. Over the real H2 store; the ranking is given.
 */
class RankedMessagesTest {
    private static final String TOKEN = "ranked-messages-token-0123456789ab";

    @TempDir
    Path dir;

    @Test
    void aStoredEditTheIndexHasNotSeenIsShownOnlyIfItsBodyStillMatches() {
        try (H2ChatStore store = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"));
                QueryWords words = new QueryWords();
                GroupCommitWritePath path = GroupCommitWritePath.start(
                        store,
                        index,
                        new ReentrantLock(),
                        MissedWrites.inMemory(),
                        100,
                        10,
                        Duration.ofDays(1),
                        WorkerListener.NONE)) {
            store.createApplication(TOKEN, "app", Instant.now());
            path.createChat(TOKEN, Instant.now());
            Instant created = Instant.now();
            path.createMessage(TOKEN, 1, "an older body", created);
            path.createMessage(TOKEN, 1, "never edited", created);
            path.editMessage(TOKEN, 1, 1, "a newer body", created.plusMillis(5));

            // As an index that has not indexed the edit yet ranks them for "older" and for "never".
            assertThat(RankedMessages.shown(path, store, words, TOKEN, 1, "older", List.of(1L, 2L)))
                    .extracting(Message::messageNumber)
                    .as("message 1 holds \"a newer body\" now")
                    .containsExactly(2L);
            assertThat(RankedMessages.shown(path, store, words, TOKEN, 1, "newer", List.of(1L)))
                    .extracting(Message::body)
                    .containsExactly("a newer body");
        }
    }
}
