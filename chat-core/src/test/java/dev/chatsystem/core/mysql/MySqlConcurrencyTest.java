package dev.chatsystem.core.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.spi.Write.ChatCreated;
import dev.chatsystem.core.spi.Write.MessageCreated;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Several stores on one database, as several processes would be: migrations and overlapping batches at once. */
class MySqlConcurrencyTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final int CHATS = 4;
    private static final int MESSAGES = 300;
    private static final int PER_BATCH = 50;

    private MySqlTestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = MySqlTestDatabase.create();
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    @Timeout(60)
    void fourStoresOpeningAFreshDatabaseAtOnceApplyTheMigrationOnce() throws Exception {
        List<MySqlChatStore> stores = all(4, database::open);
        try {
            assertThat(stores)
                    .hasSize(4)
                    .allSatisfy(store -> assertThat(store.health().up()).isTrue());
            // Each migration applied exactly once, however many stores raced to apply it.
            assertThat(query("SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL"))
                    .isEqualTo(query("SELECT COUNT(DISTINCT version) FROM flyway_schema_history"
                            + " WHERE version IS NOT NULL AND success = 1"));
            assertThat(query("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '1' AND success = 1"))
                    .isEqualTo(1);
            assertThat(query("SELECT COUNT(*) FROM flyway_schema_history WHERE version = '2' AND success = 1"))
                    .isEqualTo(1);
        } finally {
            stores.forEach(MySqlChatStore::close);
        }
    }

    @Test
    @Timeout(120)
    void twoStoresApplyingOverlappingAndRepeatedBatchesFromEightThreadsStoreEachRowOnce() throws Exception {
        try (MySqlChatStore first = database.open();
                MySqlChatStore second = database.open()) {
            first.createApplication("tok", "app", AT);
            // Every thread applies every batch, in its own order: windows of 50 messages that overlap by half.
            List<List<Write>> batches = new ArrayList<>();
            for (long chat = 1; chat <= CHATS; chat++) {
                for (int from = 1; from + PER_BATCH - 1 <= MESSAGES; from += PER_BATCH / 2) {
                    List<Write> batch = new ArrayList<>(List.of(new ChatCreated("tok", chat, AT)));
                    for (long message = from; message < from + PER_BATCH; message++) {
                        batch.add(new MessageCreated("tok", chat, message, "m" + message, AT, 1));
                    }
                    batches.add(batch);
                }
            }
            int[] thread = {0};
            all(8, () -> {
                int t;
                synchronized (thread) {
                    t = thread[0]++;
                }
                MySqlChatStore store = t % 2 == 0 ? first : second;
                List<List<Write>> mine = new ArrayList<>(batches);
                Collections.shuffle(mine, new Random(t));
                mine.forEach(store::apply);
                return null;
            });

            assertThat(second.application("tok").orElseThrow().chatsCount()).isEqualTo(CHATS);
            for (long chat = 1; chat <= CHATS; chat++) {
                assertThat(first.chat("tok", chat).orElseThrow().messagesCount())
                        .isEqualTo(MESSAGES);
                assertThat(first.maxMessageNumber("tok", chat)).isEqualTo(MESSAGES);
            }
            assertThat(first.countChats()).isEqualTo(CHATS);
            assertThat(first.countMessages(Optional.of("tok"))).isEqualTo((long) CHATS * MESSAGES);
            assertThat(query("SELECT COUNT(DISTINCT chat_id, message_number) FROM messages"))
                    .isEqualTo((long) CHATS * MESSAGES);
            assertThat(first.reconcile().corrections()).isEmpty();
        }
    }

    /**
     * A reconcile fixes each wrong count in a transaction of its own: a chat it fixed is not kept locked while it waits
     * for another, so a batch writing to the first goes through (one transaction per range held every fixed row until
     * the whole range was recounted).
     */
    @Test
    @Timeout(60)
    void aReconcileCommitsEachFixWithoutWaitingForTheRestOfItsRange() throws Exception {
        try (MySqlChatStore store = database.open()) {
            store.createApplication("tok", "app", AT);
            store.apply(List.of(
                    new ChatCreated("tok", 1, AT),
                    new ChatCreated("tok", 2, AT),
                    new MessageCreated("tok", 1, 1, "one", AT, 1),
                    new MessageCreated("tok", 2, 1, "one", AT, 1)));
            update("UPDATE chats SET messages_count = 7");
            ExecutorService reconciling = Executors.newSingleThreadExecutor();
            try (Connection holder = database.connect()) {
                long chat2 = query("SELECT id FROM chats WHERE chat_number = 2");
                holder.setAutoCommit(false);
                try (Statement lock = holder.createStatement()) { // by its primary key: that row alone
                    lock.executeQuery("SELECT id FROM chats WHERE id = " + chat2 + " FOR UPDATE")
                            .close();
                }
                Future<ReconcileReport> report = reconciling.submit(store::reconcile);

                // Chat 1 fixed and committed while the fix of chat 2 waits for the lock held here.
                Await.until(() -> messagesCount(1) == 1, Duration.ofSeconds(10));
                store.apply(List.of(new MessageCreated("tok", 1, 2, "two", AT, 2)));
                holder.rollback();

                assertThat(report.get(30, TimeUnit.SECONDS).corrected()).isEqualTo(2);
            } finally {
                reconciling.shutdownNow();
            }
            assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(2);
            assertThat(store.chat("tok", 2).orElseThrow().messagesCount()).isEqualTo(1);
        }
    }

    /** Runs {@code task} on {@code threads} threads released together; returns the results, rethrowing failures. */
    private static <T> List<T> all(int threads, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // A barrier, not a latch counted down after submitting: that let threads still starting miss the release
            // and run after the others had finished.
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return task.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private long messagesCount(long chatNumber) {
        try {
            return query("SELECT messages_count FROM chats WHERE chat_number = " + chatNumber);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void update(String sql) throws SQLException {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate(sql);
        }
    }

    private long query(String sql) throws SQLException {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
