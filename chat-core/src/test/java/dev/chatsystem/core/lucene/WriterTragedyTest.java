package dev.chatsystem.core.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flush that fails to write (a full disk) is tragic to Lucene: it closes its writer for good. The index reopens it
 * from the last commit, and asks for the rebuild that restores what was indexed since.
 */
class WriterTragedyTest {
    private static final String APP = "app";

    @TempDir
    Path tmp;

    private DiskFullDirectory disk;

    /** The first document of a new segment creates its files: the upsert fails, and Lucene closes the writer. */
    @Test
    void aWriterClosedByAFullDiskInAnUpsertIsReopenedAndTheIndexAsksForARebuild() {
        try (LuceneSearchIndex index = open()) {
            index.upsert(List.of(new IndexedMessage(APP, 1, 1, "committed before")));
            index.rebuilt();

            disk.full = true;
            assertThatThrownBy(() -> index.upsert(List.of(new IndexedMessage(APP, 1, 2, "refused by the disk"))))
                    .isInstanceOf(BackendUnavailableException.class);
            disk.full = false;

            assertReopenedAndIncomplete(index);
        }
    }

    /** A chat written before the failure, not yet visible: its search's refresh flushes the segment, and fails. */
    @Test
    void aWriterClosedByAFullDiskInASearchIsReopenedAndTheIndexAsksForARebuild() {
        try (LuceneSearchIndex index = open()) {
            index.upsert(List.of(new IndexedMessage(APP, 1, 1, "committed before")));
            index.rebuilt();
            index.upsert(List.of(new IndexedMessage(APP, 1, 2, "lost with the writer")));

            disk.full = true;
            assertThatThrownBy(() -> index.search(APP, 1, "lost", 10)).isInstanceOf(BackendUnavailableException.class);
            disk.full = false;

            assertReopenedAndIncomplete(index);
            assertThat(index.search(APP, 1, "lost", 10)).isEmpty(); // gone with the writer, until a rebuild
        }
    }

    /**
     * The writer lost during a full rebuild takes with it the documents the rebuild wrote since the last commit, and
     * their deletes of the older documents: those come back, and the rebuild, past them, never writes them again.
     * Completing would delete them, so it fails; the index keeps every message, and the next rebuild completes.
     */
    @Test
    void aRebuildThatLostItsWriterFailsInsteadOfDeletingTheMessagesItLost() {
        try (LuceneSearchIndex index = open()) {
            IndexedMessage first = new IndexedMessage(APP, 1, 1, "alpha one");
            IndexedMessage second = new IndexedMessage(APP, 1, 2, "alpha two");
            index.upsert(List.of(first, second));
            index.rebuilt();

            try (IndexRebuild rebuild = index.startRebuild()) {
                rebuild.upsert(List.of(first));
                disk.full = true; // a search's refresh flushes the rebuild's document, and fails: a tragedy
                assertThatThrownBy(() -> index.search(APP, 1, "alpha", 10))
                        .isInstanceOf(BackendUnavailableException.class);
                disk.full = false;
                rebuild.upsert(List.of(second)); // reopens the writer, without the first message's new document

                Throwable failure = catchThrowable(rebuild::complete);

                assertThat(index.search(APP, 1, "alpha", 10)).containsExactlyInAnyOrder(1L, 2L);
                assertThat(failure)
                        .isInstanceOf(BackendUnavailableException.class)
                        .hasMessageContaining("run the reindex again");
            }
            assertThat(index.needsRebuild()).isTrue();

            try (IndexRebuild again = index.startRebuild()) {
                again.upsert(List.of(first, second));
                again.complete();
            }
            assertThat(index.search(APP, 1, "alpha", 10)).containsExactlyInAnyOrder(1L, 2L);
            assertThat(index.needsRebuild()).isFalse();
        }
    }

    /** Writes and searches work again, from the last commit on, and the index asks for the rebuild that repairs it. */
    private static void assertReopenedAndIncomplete(LuceneSearchIndex index) {
        index.upsert(List.of(new IndexedMessage(APP, 2, 1, "written once the disk had room")));
        assertThat(index.search(APP, 2, "room", 10)).containsExactly(1L);
        assertThat(index.search(APP, 1, "committed", 10)).containsExactly(1L);
        assertThat(index.health().up()).isTrue();
        assertThat(index.needsRebuild()).isTrue();
        assertThat(index.missesWrites()).isTrue();
    }

    private LuceneSearchIndex open() {
        return LuceneSearchIndex.open(
                tmp.resolve("index"), Duration.ofHours(1), in -> disk = new DiskFullDirectory(in));
    }
}
