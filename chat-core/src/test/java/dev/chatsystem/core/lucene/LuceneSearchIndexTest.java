package dev.chatsystem.core.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchCorpus;
import dev.chatsystem.core.spi.SearchIndex;
import dev.chatsystem.core.spi.SearchIndexContract;
import dev.chatsystem.core.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void aRebuildIsIncompleteUntilItCompletesAndThenTrusted() {
        index.rebuilt();
        index.upsert(List.of(message(1, "first")));

        try (IndexRebuild rebuild = index.startRebuild()) {
            assertThat(index.needsRebuild()).isTrue(); // a crash now rebuilds at the next open
            rebuild.upsert(List.of(message(1, "first")));
            rebuild.complete();
        }

        assertThat(index.needsRebuild()).isFalse();
    }

    @Test
    void aRebuildOvertakenByAnotherCannotCompleteAndDeletesNothing() {
        index.upsert(List.of(message(1, "first"), message(2, "second")));
        IndexRebuild first = index.startRebuild();
        first.upsert(List.of(message(1, "first")));

        try (IndexRebuild second = index.startRebuild()) {
            assertThatThrownBy(first::complete).isInstanceOf(BackendUnavailableException.class);
            assertThat(search("second")).containsExactly(2L);
            second.upsert(List.of(message(2, "second")));
            second.complete();
        }

        assertThat(search("first")).isEmpty(); // the second rebuild did not write it
        assertThat(search("second")).containsExactly(2L);
    }

    @Test
    void anEmptyRebuiltIndexStaysTrustedAfterACleanClose() {
        Path dir = tmp.resolve("empty");
        try (SearchIndex first = LuceneSearchIndex.open(dir)) {
            first.rebuilt();
        }

        try (SearchIndex second = LuceneSearchIndex.open(dir)) {
            assertThat(second.needsRebuild()).isFalse();
            assertThat(second.count()).isZero();
        }
    }

    /**
     * An index whose commit records no layout (written before layouts were recorded), layout 6 (before variation
     * selectors were removed and the case pairs lower-casing misses, full-width ASCII and ligatures folded) or 7
     * (before U+202F was a space, U+034F and the Mongolian variation selectors went and flags kept their tags).
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "6", "7"})
    void anIndexOfAnOlderLayoutAsksForARebuild(String olderLayout) throws IOException {
        Path dir = tmp.resolve("old-layout");
        try (SearchIndex first = LuceneSearchIndex.open(dir)) {
            first.upsert(List.of(message(1, "written before the grams")));
            first.rebuilt();
        }
        try (Directory directory = FSDirectory.open(dir);
                IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig())) {
            writer.setLiveCommitData(
                    (olderLayout.isEmpty() ? Map.<String, String>of() : Map.of("layout", olderLayout)).entrySet());
            writer.commit();
        }

        try (SearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.needsRebuild()).isTrue();
            reopened.rebuilt();
        }
        try (SearchIndex rebuilt = LuceneSearchIndex.open(dir)) {
            assertThat(rebuilt.needsRebuild()).isFalse();
        }
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

    /**
     * The contract only: without the flag cleared, the close failed with ThreadInterruptedException once in several
     * runs (whenever it had to wait inside Lucene), which no test here provokes on demand.
     */
    @Test
    void aCloseOnAnInterruptedThreadStillCommitsAndKeepsTheInterrupt() {
        Path dir = tmp.resolve("interrupted");
        SearchIndex first = LuceneSearchIndex.open(dir, Duration.ofHours(1)); // no periodic commit meanwhile
        first.rebuilt();
        first.upsert(List.of(message(1, "closed while interrupted"))); // left for the final commit

        Thread.currentThread().interrupt();
        try {
            first.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }

        assertThat(dir.resolve(DirtyMarker.FILE_NAME)).doesNotExist();
        try (SearchIndex second = LuceneSearchIndex.open(dir)) {
            assertThat(second.needsRebuild()).isFalse();
            assertThat(second.search(APP, CHAT, "interrupt", 10)).containsExactly(1L);
        }
    }

    /**
     * The search's refresh flushes the unrefreshed upsert on the caller's thread: with the interrupt flag set, the
     * interruptible file channel threw ClosedByInterruptException, an aborting exception that closed the writer for
     * good. The interrupt is meant for the caller's waits, not the index, so the search runs as if it were not set.
     */
    @Test
    void aSearchOnAnInterruptedThreadFindsItsResultsAndLeavesTheWriterAlive() {
        try (LuceneSearchIndex quiet = LuceneSearchIndex.open(tmp.resolve("interrupted-search"), Duration.ofHours(1))) {
            quiet.upsert(List.of(message(1, "flushed while interrupted"))); // left for the search's refresh

            Thread.currentThread().interrupt();
            List<Long> found;
            try {
                found = quiet.search(APP, CHAT, "interrupted", 10);
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }

            assertThat(found).containsExactly(1L);
            assertThat(quiet.health().up()).isTrue();
            quiet.upsert(List.of(message(2, "written after the interrupt")));
            assertThat(quiet.search(APP, CHAT, "after", 10)).containsExactly(2L);
        }
    }

    /** Stats' count refreshes every chat, on the caller's thread too. */
    @Test
    void aCountOnAnInterruptedThreadCountsAndLeavesTheWriterAlive() {
        try (LuceneSearchIndex quiet = LuceneSearchIndex.open(tmp.resolve("interrupted-count"), Duration.ofHours(1))) {
            quiet.upsert(List.of(message(1, "counted while interrupted")));

            Thread.currentThread().interrupt();
            long counted;
            try {
                counted = quiet.count();
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }

            assertThat(counted).isEqualTo(1);
            quiet.upsert(List.of(message(2, "written after the interrupt")));
            assertThat(quiet.count()).isEqualTo(2);
        }
    }

    @Test
    void commitsChangesPeriodically() throws Exception {
        Path dir = tmp.resolve("periodic");
        try (SearchIndex running = LuceneSearchIndex.open(dir, Duration.ofMillis(20));
                Directory onDisk = FSDirectory.open(dir)) {
            running.upsert(List.of(message(1, "soon durable")));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int committed = 0;
            while (committed == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
                if (DirectoryReader.indexExists(onDisk)) {
                    try (DirectoryReader reader = DirectoryReader.open(onDisk)) { // sees the last commit only
                        committed = reader.numDocs();
                    }
                }
            }
            assertThat(committed).isEqualTo(1);
        }
    }

    @Test
    void aSearchRefreshesTheReaderOnlyForUpsertsToItsOwnChat() {
        try (LuceneSearchIndex quiet = LuceneSearchIndex.open(tmp.resolve("per-chat"), Duration.ofHours(1))) {
            quiet.upsert(List.of(new IndexedMessage(APP, 2, 1, "elsewhere")));

            assertThat(quiet.search(APP, CHAT, "elsewhere", 10)).isEmpty();
            assertThat(quiet.visibleUpserts()).isZero();
            assertThat(quiet.search(APP, 2, "elsewhere", 10)).containsExactly(1L);
            assertThat(quiet.visibleUpserts()).isEqualTo(1);
            assertThat(quiet.chatsAwaitingRefresh()).isZero();
        }
    }

    @Test
    void thePeriodicCommitMakesUpsertsVisibleAndForgetsTheirChats() {
        try (LuceneSearchIndex running = LuceneSearchIndex.open(tmp.resolve("forgets"), Duration.ofMillis(20))) {
            running.upsert(LongStream.rangeClosed(1, 100)
                    .mapToObj(chat -> new IndexedMessage(APP, chat, 1, "in chat " + chat))
                    .toList());

            Await.until(() -> running.chatsAwaitingRefresh() == 0, Duration.ofSeconds(10));
            assertThat(running.visibleUpserts()).isEqualTo(1);
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

    /** Not rebuilt at open (the admin tool): searched as it is, its health warning until a full rebuild completes. */
    @Test
    void anIndexFoundIncompleteWarnsUntilAFullRebuildCompletes() throws IOException {
        Path dir = tmp.resolve("found-dirty");
        try (SearchIndex first = LuceneSearchIndex.open(dir)) {
            first.upsert(List.of(message(1, "committed")));
            first.rebuilt();
        }
        new DirtyMarker(dir.resolve(DirtyMarker.FILE_NAME)).create(); // what a kill -9 leaves behind

        try (SearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.health().warns()).isTrue();
            assertThat(reopened.health().detail()).contains("index incomplete", "may miss messages", "reindex");
            assertThat(reopened.search(APP, CHAT, "committed", 10)).containsExactly(1L);

            try (IndexRebuild rebuild = reopened.startRebuild()) {
                rebuild.upsert(List.of(message(1, "committed")));
                assertThat(reopened.health().warns()).as("until it completes").isTrue();
                rebuild.complete();
            }

            assertThat(reopened.health()).isEqualTo(BackendStatus.up("search", "lucene"));
        }
    }

    @Test
    void aFullRebuildOfACompleteIndexDoesNotWarn() {
        index.rebuilt();
        index.upsert(List.of(message(1, "first")));

        try (IndexRebuild rebuild = index.startRebuild()) {
            assertThat(index.needsRebuild()).isTrue(); // for a crash meanwhile
            assertThat(index.health().warns())
                    .as("searches miss nothing meanwhile")
                    .isFalse();
            rebuild.upsert(List.of(message(1, "first")));
            rebuild.complete();
        }

        assertThat(index.health().warns()).isFalse();
    }

    @Test
    void missedWritesAndClearsWarnUntilAFullRebuildAfterThem() {
        LuceneSearchIndex lucene = (LuceneSearchIndex) index;
        lucene.rebuilt();
        lucene.missedWrites();
        assertThat(lucene.health().warns()).isTrue();
        try (IndexRebuild rebuild = lucene.startRebuild()) {
            rebuild.complete();
        }
        assertThat(lucene.health().warns()).isFalse();

        lucene.clear(Optional.of(APP));
        assertThat(lucene.health().warns()).isTrue();
        lucene.clear(Optional.empty());
        assertThat(lucene.health().warns())
                .as("until the rebuild after the clear")
                .isTrue();
        lucene.rebuilt();
        assertThat(lucene.health().warns()).isFalse();
    }

    @Test
    void aRebuildThatFailedAfterAnUncleanShutdownIsRedoneEvenAfterACleanClose() throws IOException {
        Path dir = tmp.resolve("failed-rebuild");
        try (SearchIndex first = LuceneSearchIndex.open(dir)) {
            first.upsert(List.of(message(1, "complete"), message(2, "complete")));
            first.rebuilt();
        }
        new DirtyMarker(dir.resolve(DirtyMarker.FILE_NAME))
                .create(); // what a kill -9 leaves behind: the last commit still says complete

        try (SearchIndex restarted = LuceneSearchIndex.open(dir)) {
            assertThat(restarted.needsRebuild()).isTrue();
            restarted.clear(Optional.empty()); // the start-up rebuild begins ...
            restarted.upsert(List.of(message(1, "complete")));
        } // ... and fails (a store read times out): the chat system closes everything cleanly

        try (SearchIndex next = LuceneSearchIndex.open(dir)) {
            assertThat(next.needsRebuild()).isTrue();
            next.clear(Optional.empty());
            next.upsert(List.of(message(1, "complete"), message(2, "complete")));
            next.rebuilt();
        }
        try (SearchIndex rebuilt = LuceneSearchIndex.open(dir)) {
            assertThat(rebuilt.needsRebuild()).isFalse();
            assertThat(rebuilt.count()).isEqualTo(2);
        }
    }

    @Test
    void aClearedIndexNeedsARebuildUntilRebuiltEvenAcrossACleanClose() {
        Path dir = tmp.resolve("cleared");
        try (SearchIndex trusted = LuceneSearchIndex.open(dir)) {
            trusted.upsert(List.of(message(1, "indexed")));
            trusted.rebuilt();

            trusted.clear(Optional.empty()); // a reindex that then fails
            assertThat(trusted.needsRebuild()).isTrue();
        }

        try (SearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.needsRebuild()).isTrue();
        }
    }

    @Test
    void clearingOneApplicationAsksForAFullRebuild() {
        Path dir = tmp.resolve("cleared-app");
        try (SearchIndex trusted = LuceneSearchIndex.open(dir)) {
            trusted.rebuilt();
            trusted.clear(Optional.of(APP));
            assertThat(trusted.needsRebuild()).isTrue();
            trusted.rebuilt(); // not after a full clear: the application may still be missing
            assertThat(trusted.needsRebuild()).isTrue();
        }
        try (SearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.needsRebuild()).isTrue();
            reopened.clear(Optional.empty());
            reopened.rebuilt();
            assertThat(reopened.needsRebuild()).isFalse();
        }
    }

    @Test
    void writesMissedAfterCloseLeaveTheDirtyMarker() {
        Path dir = tmp.resolve("missed-late");
        LuceneSearchIndex late = LuceneSearchIndex.open(dir);
        late.rebuilt();
        late.close();

        late.missedWrites(); // out of order, yet not forgotten

        try (SearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.needsRebuild()).isTrue();
        }
    }

    /**
     * Staged between the final commit, labelled complete, and the marker's delete: the report then waits for close to
     * finish and creates the marker again. Were it not locked out, it created the marker there and the delete removed
     * it, and the next open trusted an index missing the writes.
     */
    @Test
    void writesMissedWhileClosingLeaveTheDirtyMarker() {
        Path dir = tmp.resolve("missed-while-closing");
        LuceneSearchIndex closing = LuceneSearchIndex.open(dir, Duration.ofHours(1));
        closing.rebuilt();
        AtomicReference<CompletableFuture<Void>> missed = new AtomicReference<>();
        closing.beforeMarkerDelete(() -> missed.set(Await.blockedIn(closing::missedWrites, Duration.ofSeconds(10))));

        closing.close();
        missed.get().join();

        try (SearchIndex reopened = LuceneSearchIndex.open(dir)) {
            assertThat(reopened.needsRebuild()).isTrue();
        }
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

    /** Not a benchmark: prints latencies so a regression is visible in the test output; asserts no timing. */
    @Test
    void perfSmoke() {
        Random random = new Random(42);
        List<String> vocabulary = SearchCorpus.vocabulary(random);
        try (SearchIndex perf = LuceneSearchIndex.open(tmp.resolve("perf"))) {
            long start = System.nanoTime();
            for (int batch = 0; batch < 60; batch++) {
                List<IndexedMessage> messages = new ArrayList<>(1_000);
                for (int i = 0; i < 1_000; i++) {
                    long number = batch * 1_000L + i;
                    long chat = batch < 10 ? CHAT : 100 + number % 500; // 10,000 here, 50,000 elsewhere
                    messages.add(new IndexedMessage(APP, chat, number, SearchCorpus.body(random, vocabulary)));
                }
                perf.upsert(messages);
            }
            long indexMillis = (System.nanoTime() - start) / 1_000_000;

            String searches = SearchCorpus.timeSearches(perf, APP, CHAT, random, vocabulary);
            System.out.printf("perfSmoke: indexed 60,000 messages in %d ms; %s%n", indexMillis, searches);
            assertThat(perf.count()).isEqualTo(60_000);
        }
    }

    // Cycles through whole words, prefixes, infixes and two-word queries.

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
