package dev.chatsystem.core.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.SearchIndexContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneSearchIndexTest extends SearchIndexContract {
    @TempDir
    Path tmp;

    private int opened;

    @Override
    protected SearchIndex newIndex() {
        return LuceneSearchIndex.open(tmp.resolve("index-" + opened++));
    }

    @Test
    void aNewIndexNeedsARebuildUntilRebuilt() {
        assertThat(index.needsRebuild()).isTrue();

        index.rebuilt();

        assertThat(index.needsRebuild()).isFalse();
    }

    @Test
    void reopensCleanlyClosedIndexWithItsDocuments() {
        Path dir = tmp.resolve("reopen");
        try (SearchIndex first = LuceneSearchIndex.open(dir)) {
            first.upsert(List.of(message(1, "persisted words")));
            first.rebuilt();
        }
        assertThat(dir.resolve(DirtyMarker.FILE_NAME)).doesNotExist();

        try (SearchIndex second = LuceneSearchIndex.open(dir)) {
            assertThat(second.needsRebuild()).isFalse();
            assertThat(second.count()).isEqualTo(1);
            assertThat(second.search(APP, CHAT, "persist", 10)).containsExactly(1L);
        }
    }

    @Test
    void anUncleanShutdownAsksForARebuild() throws IOException {
        Path dir = tmp.resolve("crashing");
        Path copy = tmp.resolve("after-crash");
        try (SearchIndex running = LuceneSearchIndex.open(dir)) {
            running.upsert(List.of(message(1, "committed")));
            running.rebuilt();
            running.upsert(List.of(message(2, "maybe lost")));
            copyIndexFiles(dir, copy); // what a kill -9 now would leave behind
        }

        try (SearchIndex recovered = LuceneSearchIndex.open(copy)) {
            assertThat(recovered.needsRebuild()).isTrue();
            assertThat(recovered.search(APP, CHAT, "committed", 10)).containsExactly(1L);
            recovered.rebuilt();
            assertThat(recovered.needsRebuild()).isFalse();
        }
        try (SearchIndex reopened = LuceneSearchIndex.open(copy)) {
            assertThat(reopened.needsRebuild()).isFalse();
        }
    }

    @Test
    void ignoresWordsBeyondTheCap() {
        String words = IntStream.range(0, MessageQueries.MAX_WORDS + 8)
                .mapToObj(i -> "w" + i)
                .collect(Collectors.joining(" "));
        String firstWords = IntStream.range(0, MessageQueries.MAX_WORDS)
                .mapToObj(i -> "w" + i)
                .collect(Collectors.joining(" "));
        index.upsert(List.of(message(1, firstWords)));

        assertThat(search(words)).containsExactly(1L);
    }

    @Test
    void cutsLongWords() {
        String longWord = "a".repeat(MessageQueries.MAX_WORD_LENGTH) + "b";
        index.upsert(List.of(message(1, longWord)));

        assertThat(search(longWord)).containsExactly(1L);
        assertThat(search("x" + longWord)).isEmpty();
    }

    @Test
    void isUnavailableOnceClosed() {
        index.close();
        index.close(); // idempotent

        assertThat(index.health().up()).isFalse();
        assertThatThrownBy(() -> index.upsert(List.of(message(1, "late"))))
                .isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> search("late")).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> index.count()).isInstanceOf(BackendUnavailableException.class);
        assertThatThrownBy(() -> index.clear(Optional.empty())).isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void refusesADirectoryAlreadyInUse() {
        Path dir = tmp.resolve("shared");
        try (SearchIndex first = LuceneSearchIndex.open(dir)) {
            assertThatThrownBy(() -> LuceneSearchIndex.open(dir)).isInstanceOf(BackendUnavailableException.class);
            assertThat(first.health().up()).isTrue();
        }
    }

    @Test
    void survivesConcurrentWritersAndReaders() throws Exception {
        List<Callable<Void>> tasks = IntStream.range(0, 8)
                .<Callable<Void>>mapToObj(chat -> () -> {
                    for (int i = 0; i < 50; i++) {
                        index.upsert(List.of(new IndexedMessage(APP, chat, i, "concurrent message " + i)));
                        assertThat(index.search(APP, chat, "concurrent", 100)).hasSize(i + 1);
                    }
                    return null;
                })
                .toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (Future<Void> result : pool.invokeAll(tasks)) {
                result.get(); // rethrows a failed assertion
            }
        }

        assertThat(index.count()).isEqualTo(400);
    }

    private static void copyIndexFiles(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            files.filter(file -> !file.getFileName().toString().equals("write.lock"))
                    .forEach(file -> {
                        try {
                            Files.copy(file, to.resolve(file.getFileName()));
                        } catch (NoSuchFileException merged) {
                            // deleted by a concurrent merge: the last commit never references it
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
    }
}
