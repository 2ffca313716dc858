package dev.chatsystem.core.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexedMessage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.util.ThreadInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A close whose final commit fails with an unchecked exception (a writer's IllegalStateException after a tragedy, the
 * ThreadInterruptedException of an interrupted wait) still releases the writer: else its write.lock outlives the
 * index, and no open of the directory succeeds until the JVM exits.
 */
class CloseFailureTest {
    @TempDir
    Path tmp;

    private InterruptedSyncDirectory disk;

    @Test
    void aCloseWhoseCommitFailsUncheckedStillReleasesTheIndexForTheNextOpen() {
        Path dir = tmp.resolve("index");
        LuceneSearchIndex index =
                LuceneSearchIndex.open(dir, Duration.ofHours(1), in -> disk = new InterruptedSyncDirectory(in));
        index.upsert(List.of(new IndexedMessage("app", 1, 1, "never committed")));
        disk.interrupting = true;

        Throwable failure = catchThrowable(index::close);
        boolean interrupted = Thread.interrupted();

        try (LuceneSearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.needsRebuild()).isTrue(); // the dirty marker stayed
        }
        assertThat(failure).isInstanceOf(BackendUnavailableException.class);
        assertThat(interrupted)
                .as("the interrupt Lucene consumed is the caller's again")
                .isTrue();
    }

    /** A directory whose syncs fail as Lucene reports an interrupted wait while {@link #interrupting} is set. */
    private static final class InterruptedSyncDirectory extends FilterDirectory {
        volatile boolean interrupting;

        InterruptedSyncDirectory(Directory in) {
            super(in);
        }

        @Override
        public void sync(Collection<String> names) throws IOException {
            if (interrupting) {
                throw new ThreadInterruptedException(new InterruptedException("sync interrupted"));
            }
            super.sync(names);
        }
    }
}
