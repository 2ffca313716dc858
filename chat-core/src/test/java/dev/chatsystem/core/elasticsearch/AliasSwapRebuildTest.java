package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch.indices.IndicesBlockOptions;
import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.JobLock;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.LosableJobLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A full rebuild on Elasticsearch builds a new index beside the one in use and swaps it in under the name. */
class AliasSwapRebuildTest {
    private static final String APP = "app-token";
    private static final long CHAT = 1;

    @RegisterExtension
    static final TestIndices indices = new TestIndices();

    private String name;
    private ElasticsearchSearchIndex index;

    @BeforeEach
    void open() {
        name = indices.newName();
        index = ElasticsearchSearchIndex.open(indices.url(), name);
    }

    @AfterEach
    void close() {
        index.close();
    }

    @Test
    void searchesFindEveryMessageWhileTheRebuildRunsAndTheNewIndexAfterIt() throws IOException {
        index.upsert(List.of(message(1, "first"), message(2, "second"), message(3, "orphan")));

        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(message(1, "first")));
            assertThat(search("first")).containsExactly(1L);
            assertThat(search("second")).containsExactly(2L);
            rebuild.upsert(List.of(message(2, "second")));
            rebuild.complete();
        }

        assertThat(search("second")).containsExactly(2L);
        assertThat(search("orphan")).isEmpty();
        Set<String> behind = concreteIndices(name);
        assertThat(behind).singleElement().asString().startsWith(name + AliasSwapRebuild.GENERATION);
        assertThat(indices.admin().indices().exists(e -> e.index(name)).value()).isTrue(); // as an alias
        assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
    }

    @Test
    void aSecondRebuildReplacesTheFirstOnesIndex() throws IOException {
        index.upsert(List.of(message(1, "first")));
        rebuild(message(1, "first"));
        String first = concreteIndices(name).iterator().next();

        rebuild(message(1, "again"));

        assertThat(concreteIndices(name)).singleElement().isNotEqualTo(first);
        assertThat(indices.admin().indices().exists(e -> e.index(first)).value())
                .isFalse();
        assertThat(search("again")).containsExactly(1L);
        assertThat(search("first")).isEmpty();
    }

    @Test
    void versionsDecideBetweenTheFillAndWhatWasIndexedMeanwhile() {
        index.upsert(List.of(message(1, "one", 3), message(2, "two", 3)));

        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(message(1, "newer from the store", 8), message(2, "older from the store", 3)));
            index.upsert(List.of(message(1, "older edit", 5), message(2, "newer edit", 7)));
            rebuild.complete();
        }

        assertThat(search("store")).containsExactly(1L);
        assertThat(search("edit")).containsExactly(2L);
    }

    @Test
    void anAbandonedRebuildDeletesItsIndexAndLeavesTheOldOneServingAndWritable() throws IOException {
        index.upsert(List.of(message(1, "first")));

        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(message(1, "first")));
        }

        assertThat(generations()).isEmpty();
        index.upsert(List.of(message(2, "second")));
        assertThat(search("first")).containsExactly(1L);
        assertThat(search("second")).containsExactly(2L);
    }

    @Test
    void healthWarnsWhileWritesAreBlockedUntilAReindexSwapsTheBlockedIndexOut() throws IOException {
        index.upsert(List.of(message(1, "first")));
        // What a reindex killed between its block and its swap leaves:
        indices.admin().indices().addBlock(b -> b.index(name).block(IndicesBlockOptions.Write));

        assertThat(index.health().warns()).isTrue();
        assertThat(index.health().detail()).contains("blocked", "chat-cli reindex");
        assertThatThrownBy(() -> index.upsert(List.of(message(2, "second"))))
                .isInstanceOf(BackendUnavailableException.class); // retried by the workers

        rebuild(message(1, "first"), message(2, "second"));

        assertThat(index.health()).isEqualTo(BackendStatus.up("search", "elasticsearch"));
        index.upsert(List.of(message(3, "third")));
        assertThat(search("third")).containsExactly(3L);
    }

    @Test
    void aRebuildDeletesWhatAnInterruptedOneLeftAndTheInterruptedOneCannotSwapIn() throws IOException {
        index.upsert(List.of(message(1, "first")));
        IndexRebuild interrupted = index.startRebuild();
        interrupted.upsert(List.of(message(1, "partial")));
        assertThat(generations()).hasSize(1);

        rebuild(message(1, "complete"));

        assertThat(generations()).hasSize(1).isEqualTo(concreteIndices(name));
        assertThatThrownBy(interrupted::complete).isInstanceOf(BackendUnavailableException.class);
        interrupted.close();
        assertThat(search("complete")).containsExactly(1L);
        index.upsert(List.of(message(2, "second"))); // not left blocked
        assertThat(search("second")).containsExactly(2L);
    }

    /**
     * A rebuild whose lock lapses during its last copy (after it blocked writes) may have been overtaken by another
     * that took the lock: it does not swap, its index goes, and it lifts its block, so that indexing does not wait for
     * someone to run a full reindex (the other rebuild, if any, then refuses to swap: see the next test).
     */
    @Test
    void aRebuildWhoseLockIsLostDuringItsLastCopyNeitherSwapsNorKeepsItsBlock() throws IOException {
        index.upsert(List.of(message(1, "old")));
        LosableJobLock jobLock = new LosableJobLock();
        jobLock.losesWhen(() -> writeBlocked(name));

        try (JobLock.Held held = jobLock.tryLock("full-reindex").orElseThrow();
                IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(message(1, "rebuilt")));
            assertThatThrownBy(() -> rebuild.complete(held::lost))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("lost its job lock");
        }

        assertThat(concreteIndices(name)).containsExactly(name);
        assertThat(search("old")).containsExactly(1L);
        assertThat(search("rebuilt")).isEmpty();
        assertThat(generations()).isEmpty();
        assertThat(writeBlocked(name)).isFalse();
        index.upsert(List.of(message(2, "second")));
        assertThat(search("second")).containsExactly(2L);
    }

    /**
     * A rebuild whose block is lifted during its last copy (by another that lost its lock and gave up) does not swap:
     * writes let through meanwhile may have missed the copy.
     */
    @Test
    void aRebuildWhoseBlockIsLiftedDuringItsLastCopyDoesNotSwap() throws IOException {
        index.upsert(List.of(message(1, "old")));

        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(message(1, "rebuilt")));
            // Asked before the block, during the settle, before the swap: lifts the block the first time it finds one.
            BooleanSupplier liftsTheBlock = () -> {
                if (writeBlocked(name)) {
                    liftBlock(name);
                }
                return false;
            };
            assertThatThrownBy(() -> rebuild.complete(liftsTheBlock))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("let through again during the reindex's last copy");
        }

        assertThat(concreteIndices(name)).containsExactly(name);
        assertThat(search("old")).containsExactly(1L);
        assertThat(writeBlocked(name)).isFalse();
    }

    /**
     * Writers that retry a refused write, as the queue workers do, keep indexing through the whole rebuild: each write
     * lands in the old index and is copied, or is refused by the write block and retried into the new one. (Without
     * the block, a run lost a batch written between the last copy and the swap.)
     */
    @Test
    void writesDuringTheRebuildAndItsSwapAllReachTheNewIndex() throws Exception {
        int writers = 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(writers + 1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                long first = 1_000_000L * (w + 1);
                running.add(pool.submit(() -> {
                    start.await();
                    for (long n = first; !stop.get(); n++) {
                        List<IndexedMessage> numbered = new ArrayList<>();
                        for (int i = 0; i < 20; i++) {
                            numbered.add(message(n * 100 + i, "written meanwhile", 1));
                        }
                        while (true) {
                            try {
                                index.indexInBackground(numbered);
                                break;
                            } catch (BackendUnavailableException e) { // the write block: retried
                                Thread.sleep(5);
                            }
                        }
                        written.addAndGet(numbered.size());
                    }
                    return null;
                }));
            }
            index.upsert(List.of(message(1, "stored")));
            try (IndexRebuild rebuild = index.startRebuild()) {
                start.await(); // what was indexed before the start, the fill brings from the store
                for (int batch = 0; batch < 20; batch++) {
                    rebuild.upsert(List.of(message(1, "stored")));
                }
                rebuild.complete();
            }
            int atSwap = written.get();
            Await.until(() -> written.get() >= atSwap + 200, Duration.ofSeconds(30)); // and after it, into the new one
            stop.set(true);
            for (Future<?> writer : running) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }

        indices.admin().indices().refresh(r -> r.index(name));
        assertThat(index.count()).isEqualTo(written.get() + 1L);
        assertThat(search("stored")).containsExactly(1L);
    }

    private void rebuild(IndexedMessage... messages) {
        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(messages));
            rebuild.complete();
        }
    }

    private List<Long> search(String query) {
        return index.search(APP, CHAT, query, 10);
    }

    private Set<String> concreteIndices(String alias) throws IOException {
        return Set.copyOf(
                indices.admin().indices().get(g -> g.index(alias)).indices().keySet());
    }

    private void liftBlock(String indexName) {
        try {
            indices.admin().indices().putSettings(p -> p.index(indexName).settings(t -> t.blocks(b -> b.write(false))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean writeBlocked(String indexName) {
        try {
            var settings = indices.admin()
                    .indices()
                    .getSettings(g -> g.index(indexName))
                    .get(indexName)
                    .settings()
                    .index();
            return settings.blocks() != null
                    && Boolean.TRUE.equals(settings.blocks().write());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Set<String> generations() throws IOException {
        return Set.copyOf(indices.admin()
                .indices()
                .get(g -> g.index(name + AliasSwapRebuild.GENERATION + "*"))
                .indices()
                .keySet());
    }

    private static IndexedMessage message(long number, String body) {
        return message(number, body, 1);
    }

    private static IndexedMessage message(long number, String body, long version) {
        return new IndexedMessage(APP, CHAT, number, body, version);
    }
}
