package dev.chatsystem.core.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.ChatStoreContract;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.spi.Write.ChatCreated;
import dev.chatsystem.core.spi.Write.MessageCreated;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class H2ChatStoreTest extends ChatStoreContract {
    @TempDir
    Path dir;

    @Override
    protected ChatStore newStore() {
        return H2ChatStore.open(dir);
    }

    /** A second connection in this JVM shares the open database, so it writes behind the store's back. */
    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(H2Database.url(dir.toAbsolutePath().normalize()), "sa", "");
    }

    @Test
    void reservesIdentityValuesInLargeBlocks() throws SQLException {
        // H2's default (32) persisted a new reservation every 32 inserts, a tenth of the embedded writer's time.
        try (Connection connection = DriverManager.getConnection(
                        H2Database.url(dir.toAbsolutePath().normalize()), "sa", "");
                var columns = connection
                        .createStatement()
                        .executeQuery("SELECT table_name, identity_cache FROM information_schema.columns"
                                + " WHERE column_name = 'id' AND table_name IN ('chats', 'messages')")) {
            List<String> caches = new ArrayList<>();
            while (columns.next()) {
                caches.add(columns.getString(1) + "=" + columns.getLong(2));
            }
            assertThat(caches).containsExactlyInAnyOrder("chats=4096", "messages=4096");
        }
    }

    @Test
    void keepsDataWhenReopened() {
        store.createApplication("tok", "app", T0);
        store.apply(List.of(new ChatCreated("tok", 1, T0), new MessageCreated("tok", 1, 1, "kept", T0, 1)));
        store.close();

        store = H2ChatStore.open(dir);

        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo("kept");
        assertThat(store.application("tok").orElseThrow().chatsCount()).isEqualTo(1);
    }

    /**
     * A close on an interrupted thread (as after an embedded writer or indexer that kept the interrupt) still closes the
     * database before it gives the data dir up: reopened at once, it opens and holds everything.
     */
    @Test
    void closesCleanlyOnAnInterruptedThread() {
        // The pool hands the connections' closing (and so H2's) to threads of its own and waits for them; interrupted,
        // it stopped waiting and said so, and the data dir was given up while H2 was still closing.
        Logger pool = (Logger) LoggerFactory.getLogger(HikariDataSource.class);
        ListAppender<ILoggingEvent> poolLog = new ListAppender<>();
        poolLog.start();
        pool.addAppender(poolLog);
        store.createApplication("tok", "app", T0);
        store.apply(List.of(new ChatCreated("tok", 1, T0)));
        for (long n = 1; n <= 20; n++) {
            store.apply(List.of(new MessageCreated("tok", 1, n, "kept " + n, T0, n)));
            Thread.currentThread().interrupt();
            try {
                store.close();
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
            }

            store = H2ChatStore.open(dir);

            assertThat(store.maxMessageNumber("tok", 1)).isEqualTo(n);
        }
        pool.detachAppender(poolLog);
        assertThat(poolLog.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("Interrupt"));
    }

    @Test
    void refusesADataDirThatIsAlreadyOpen() {
        assertThatThrownBy(() -> H2ChatStore.open(dir))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("data dir " + dir.toAbsolutePath().normalize() + " is in use");
        assertThat(store.health().up()).isTrue();
    }

    @Test
    void keepsCountsExactUnderConcurrentBatches() throws Exception {
        store.createApplication("tok", "app", T0);
        int threads = 8;
        int batches = 10;
        int perBatch = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 1; t <= threads; t++) {
                long chat = t;
                done.add(pool.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        List<Write> writes = new ArrayList<>();
                        writes.add(new ChatCreated("tok", chat, T0));
                        for (int m = 1; m <= perBatch; m++) {
                            long number = (long) b * perBatch + m;
                            writes.add(new MessageCreated("tok", chat, number, "m" + number, T0, 1));
                        }
                        store.apply(writes);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(store.application("tok").orElseThrow().chatsCount()).isEqualTo(threads);
        for (long chat = 1; chat <= threads; chat++) {
            assertThat(store.chat("tok", chat).orElseThrow().messagesCount()).isEqualTo(batches * perBatch);
        }
        assertThat(store.countMessages(Optional.of("tok"))).isEqualTo((long) threads * batches * perBatch);
        assertThat(((H2ChatStore) store).reconcile().corrections()).isEmpty();
    }
}
