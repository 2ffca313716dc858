package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.Message;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.embedded.GroupCommitWritePath;
import dev.chatsystem.core.embedded.MissedWrites;
import dev.chatsystem.core.h2.H2ChatStore;
import dev.chatsystem.core.lucene.LuceneSearchIndex;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.testing.InterceptedStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
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
                GroupCommitWritePath path = writePath(store, index)) {
            store.createApplication(TOKEN, "app", Instant.now());
            path.createChat(TOKEN, Instant.now());
            Instant created = Instant.now();
            path.createMessage(TOKEN, 1, "an older body", created);
            path.createMessage(TOKEN, 1, "never edited", created);
            path.editMessage(TOKEN, 1, 1, "a newer body", created.plusMillis(5));

            // As an index that has not indexed the edit yet ranks them for "older" and for "never".
            assertThat(RankedMessages.shown(path, store, words, TOKEN, 1, "older", List.of(1L, 2L), 10))
                    .extracting(Message::messageNumber)
                    .as("message 1 holds \"a newer body\" now")
                    .containsExactly(2L);
            assertThat(RankedMessages.shown(path, store, words, TOKEN, 1, "newer", List.of(1L), 10))
                    .extracting(Message::body)
                    .containsExactly("a newer body");
        }
    }

    /**
     * A page whose ranked hits are mostly edited away loads their bodies a page at a time: never more than the page's
     * worth at once, for which the caller reserved heap, however far down the ranking it has to go.
     */
    @Test
    void bodiesAreLoadedNoMoreThanAPageAtATime() {
        try (H2ChatStore h2 = H2ChatStore.open(dir.resolve("db"));
                LuceneSearchIndex index = LuceneSearchIndex.open(dir.resolve("index"));
                QueryWords words = new QueryWords();
                GroupCommitWritePath path = writePath(h2, index)) {
            h2.createApplication(TOKEN, "app", Instant.now());
            path.createChat(TOKEN, Instant.now());
            Instant created = Instant.now();
            List<Long> ranked = new ArrayList<>();
            for (long number = 1; number <= 30; number++) {
                path.createMessage(TOKEN, 1, "word " + number, created);
                if (number <= 20) { // edited since the index ranked them by "word"
                    path.editMessage(TOKEN, 1, number, "gone " + number, created.plusMillis(5));
                }
                ranked.add(number);
            }
            List<Integer> loads = new ArrayList<>();
            ChatStore store = recordingLoads(h2, loads);

            assertThat(RankedMessages.shown(path, store, words, TOKEN, 1, "word", ranked, 4))
                    .extracting(Message::messageNumber)
                    .containsExactly(21L, 22L, 23L, 24L);
            assertThat(loads).isNotEmpty().allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(4));
        }
    }

    private static GroupCommitWritePath writePath(H2ChatStore store, LuceneSearchIndex index) {
        return GroupCommitWritePath.start(
                store,
                index,
                new ReentrantLock(),
                MissedWrites.inMemory(),
                100,
                10,
                Duration.ofDays(1),
                WorkerListener.NONE);
    }

    /** {@code store}, recording how many messages each load by numbers asks for. */
    private static ChatStore recordingLoads(ChatStore store, List<Integer> loads) {
        return InterceptedStore.around(store, (method, args, real) -> {
            if (method.getName().equals("messages") && args[2] instanceof Collection<?> numbers) {
                loads.add(numbers.size());
            }
            return real.proceed();
        });
    }
}
