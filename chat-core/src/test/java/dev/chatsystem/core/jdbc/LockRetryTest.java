package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.spi.IdempotencyRecord;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every write of the store, blocked by a row lock that a second connection holds: on MariaDB and on H2, with a lock
 * wait of one second, a write whose lock is released after its first wait ran out succeeds when run again, and one
 * whose lock is held throughout fails after its attempts with a {@link BackendUnavailableException} that says so,
 * having stored nothing.
 */
class LockRetryTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String TOKEN = "lock-retry-token-0123456789";
    private static final String NEW_TOKEN = "lock-retry-new-token-0123456789";
    private static final Duration LOCK_WAIT = Duration.ofSeconds(1);

    private TestEngine engine;

    /**
     * A write, the statement that blocks it from another connection, and what it stored once it succeeded; {@code
     * h2Waits} lock waits make one attempt on H2, which runs a statement that met a locked row again until its own
     * lock wait is over, and then an upsert's update part waits once more.
     */
    private record Case(String name, String holder, Consumer<JdbcChatStore> write, Check stored, int h2Waits) {
        Case(String name, String holder, Consumer<JdbcChatStore> write, Check stored) {
            this(name, holder, write, stored, 1);
        }

        /** Past the first attempt's lock waits, well before the second attempt's run out. */
        Duration releaseAfter(Engine engine) {
            return LOCK_WAIT
                    .multipliedBy(engine == Engine.H2 ? h2Waits : 1)
                    .multipliedBy(3)
                    .dividedBy(2);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    private interface Check {
        void verify(JdbcChatStore store, Connection connection) throws SQLException;
    }

    private static final Case CREATE_APPLICATION = new Case(
            "createApplication",
            insertApplication(),
            store -> store.createApplication(NEW_TOKEN, "created", AT),
            (store, connection) -> assertThat(
                            store.application(NEW_TOKEN).orElseThrow().name())
                    .isEqualTo("created"));

    private static final Case CREATE_APPLICATION_WITH_KEY = new Case(
            "createApplication with a key",
            insertApplication(),
            store -> assertThat(
                            store.createApplication(NEW_TOKEN, "created", AT, record("k2", AT), AT.minusSeconds(60)))
                    .isEmpty(),
            (store, connection) -> {
                assertThat(store.application(NEW_TOKEN)).isPresent();
                assertThat(store.idempotencyRecord("scope", "k2", AT.minusSeconds(60)))
                        .isPresent();
            });

    private static final Case APPLY = new Case(
            "apply",
            "SELECT id FROM applications WHERE token = '" + TOKEN + "' FOR UPDATE",
            store -> store.apply(List.of(new Write.ChatCreated(TOKEN, 2, AT))),
            (store, connection) -> assertThat(store.chat(TOKEN, 2)).isPresent());

    private static final Case MARK_PERSISTED = new Case(
            "markPersisted",
            "UPDATE shard_marks SET persisted_version = 6 WHERE shard = 3",
            store -> store.markPersisted(3, 10),
            (store, connection) -> assertThat(store.persistedMark(3)).isEqualTo(10),
            2);

    private static Stream<Arguments> released() {
        return engines(
                CREATE_APPLICATION,
                CREATE_APPLICATION_WITH_KEY,
                APPLY,
                MARK_PERSISTED,
                new Case(
                        "renameApplication",
                        "SELECT id FROM applications WHERE token = '" + TOKEN + "' FOR UPDATE",
                        store -> assertThat(store.renameApplication(TOKEN, "renamed", AT))
                                .isPresent(),
                        (store, connection) -> assertThat(
                                        store.application(TOKEN).orElseThrow().name())
                                .isEqualTo("renamed")),
                new Case(
                        "purgeIdempotencyRecords",
                        "SELECT idem_key FROM idempotency_keys WHERE idem_key = 'k1' FOR UPDATE",
                        store -> assertThat(store.purgeIdempotencyRecords(AT.plusSeconds(1), 100))
                                .isEqualTo(1),
                        (store, connection) -> assertThat(store.idempotencyRecord("scope", "k1", Instant.EPOCH))
                                .isEmpty()),
                new Case(
                        "reconcile",
                        "SELECT id FROM chats WHERE chat_number = 1 FOR UPDATE",
                        store -> assertThat(store.reconcile().corrections()).hasSize(1),
                        (store, connection) -> assertThat(
                                        store.chat(TOKEN, 1).orElseThrow().messagesCount())
                                .isEqualTo(1)));
    }

    private static Stream<Arguments> heldThroughout() {
        return engines(CREATE_APPLICATION, CREATE_APPLICATION_WITH_KEY, APPLY, MARK_PERSISTED);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("released")
    @Timeout(60)
    void aWriteBlockedPastItsLockWaitSucceedsOnceTheLockIsReleased(Engine kind, Case write) throws Exception {
        JdbcChatStore store = open(kind);
        try (Connection holder = engine.connect()) {
            holder.setAutoCommit(false);
            hold(holder, write.holder());

            CompletableFuture<Void> running =
                    CompletableFuture.runAsync(() -> write.write().accept(store));
            Thread.sleep(write.releaseAfter(kind).toMillis());
            assertThat(running)
                    .as("still waiting after its first lock wait ran out")
                    .isNotDone();
            holder.rollback();

            running.get(30, TimeUnit.SECONDS);
            write.stored().verify(store, holder);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("heldThroughout")
    @Timeout(60)
    void aWriteBlockedThroughoutFailsAfterItsAttemptsHavingStoredNothing(Engine kind, Case write) throws Exception {
        JdbcChatStore store = open(kind);
        try (Connection holder = engine.connect()) {
            holder.setAutoCommit(false);
            hold(holder, write.holder());
            long started = System.nanoTime();

            assertThatThrownBy(() -> write.write().accept(store))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("rolled back by a lock wait or deadlock " + Retries.ATTEMPTS + " times");

            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(
                            LOCK_WAIT.multipliedBy(Retries.ATTEMPTS).minusMillis(100));
            holder.rollback();
        }
        try (Connection reader = engine.connect()) {
            assertThat(count(reader, "SELECT COUNT(*) FROM applications WHERE token = '" + NEW_TOKEN + "'"))
                    .isZero();
            assertThat(count(reader, "SELECT COUNT(*) FROM chats")).isEqualTo(1);
            assertThat(count(reader, "SELECT COUNT(*) FROM idempotency_keys")).isEqualTo(1);
            assertThat(count(reader, "SELECT persisted_version FROM shard_marks WHERE shard = 3"))
                    .isEqualTo(5);
        }
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * The store on a fresh database holding application {@link #TOKEN} with chat 1 (one message, counted as none), an
     * idempotency record {@code k1} and shard 3's mark at 5.
     */
    private JdbcChatStore open(Engine kind) throws SQLException {
        engine = kind == Engine.MARIADB ? new MariaDb() : new H2();
        JdbcChatStore store = engine.store();
        store.createApplication(TOKEN, "app", AT, record("k1", AT), AT.minusSeconds(60));
        store.apply(
                List.of(new Write.ChatCreated(TOKEN, 1, AT), new Write.MessageCreated(TOKEN, 1, 1, "hello", AT, 1)));
        store.markPersisted(3, 5);
        try (Connection connection = engine.connect();
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE chats SET messages_count = 0"); // for reconcile to correct
        }
        return store;
    }

    private static String insertApplication() {
        return "INSERT INTO applications (token, name, chats_count, created_at, updated_at) VALUES ('" + NEW_TOKEN
                + "', 'held', 0, 0, 0)";
    }

    private static IdempotencyRecord record(String key, Instant at) {
        return new IdempotencyRecord("scope", key, "fingerprint", TOKEN, at);
    }

    private static void hold(Connection holder, String sql) throws SQLException {
        try (Statement statement = holder.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Stream<Arguments> engines(Case... cases) {
        return Stream.of(Engine.values()).flatMap(engine -> Stream.of(cases).map(write -> Arguments.of(engine, write)));
    }

    enum Engine {
        H2,
        MARIADB
    }

    /** A migrated database, the store on it with a lock wait of {@link #LOCK_WAIT}, and connections behind its back. */
    private interface TestEngine extends AutoCloseable {
        JdbcChatStore store();

        Connection connect() throws SQLException;

        @Override
        void close();
    }

    /** H2 in memory with the embedded store's settings but a short LOCK_TIMEOUT, migrated as the embedded store is. */
    private static final class H2 implements TestEngine {
        private final String url = "jdbc:h2:mem:lock-retry-" + UUID.randomUUID()
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=" + LOCK_WAIT.toMillis();
        private final JdbcChatStore store;

        H2() {
            JdbcDataSource dataSource = new JdbcDataSource();
            dataSource.setURL(url);
            Flyway.configure(H2.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration", "classpath:db/h2")
                    .load()
                    .migrate();
            store = new JdbcChatStore(database(SqlDialect.H2, dataSource)) {};
        }

        @Override
        public JdbcChatStore store() {
            return store;
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public void close() {
            try (Connection connection = connect();
                    Statement statement = connection.createStatement()) {
                statement.execute("SHUTDOWN");
            } catch (SQLException e) {
                throw new AssertionError(e);
            }
        }
    }

    /** A fresh MariaDB database; the store's sessions wait one second for a lock. */
    private static final class MariaDb implements TestEngine {
        private final MySqlTestDatabase database = MySqlTestDatabase.create();
        private final JdbcChatStore store = MySqlChatStore.open(
                database.url + (database.url.contains("?") ? "&" : "?") + "sessionVariables=innodb_lock_wait_timeout="
                        + LOCK_WAIT.toSeconds(),
                MySqlTestDatabase.USER,
                MySqlTestDatabase.PASSWORD);

        @Override
        public JdbcChatStore store() {
            return store;
        }

        @Override
        public Connection connect() throws SQLException {
            return database.connect();
        }

        @Override
        public void close() {
            store.close();
            database.close();
        }
    }

    private static JdbcDatabase database(SqlDialect dialect, DataSource dataSource) {
        return new JdbcDatabase() {
            @Override
            public SqlDialect dialect() {
                return dialect;
            }

            @Override
            public DataSource dataSource() {
                return dataSource;
            }

            @Override
            public void close() {}
        };
    }
}
