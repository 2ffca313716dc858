package dev.chatsystem.core.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mysql.cj.conf.PropertyDefinitions.OpenTelemetry;
import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.jdbc.JdbcConnection;
import com.zaxxer.hikari.HikariDataSource;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.spi.ChatStore;
import dev.chatsystem.core.spi.ChatStoreContract;
import dev.chatsystem.core.spi.Write.ChatCreated;
import dev.chatsystem.core.spi.Write.MessageCreated;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import dev.chatsystem.core.testing.Services;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store contract on a real MySQL/MariaDB server, one fresh database per test. */
class MySqlChatStoreTest extends ChatStoreContract {
    private MySqlTestDatabase database;

    @BeforeAll
    static void requireServer() {
        Services.requireMysql();
    }

    @Override
    protected ChatStore newStore() {
        database = MySqlTestDatabase.create();
        return database.open();
    }

    @AfterEach
    void dropDatabase() {
        store.close();
        database.close();
    }

    @Override
    protected Connection connect() throws SQLException {
        return database.connect();
    }

    @Test
    void storesA65535ByteBodyOfFourByteEmojiInUtf8mb4() throws SQLException {
        String body = "🚀".repeat(16_383) + "abc"; // 65,532 + 3 bytes
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(65_535);
        store.createApplication("tok", "app", T0);

        store.apply(List.of(new ChatCreated("tok", 1, T0), new MessageCreated("tok", 1, 1, body, T0, 1)));

        assertThat(store.message("tok", 1, 1).orElseThrow().body()).isEqualTo(body);
        try (Connection connection = database.connect();
                ResultSet rs = connection
                        .createStatement()
                        .executeQuery("SELECT LENGTH(body), CHAR_LENGTH(body) FROM messages")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(65_535);
            assertThat(rs.getLong(2)).isEqualTo(16_386);
        }
        assertThat(column("messages", "body")).isEqualTo("mediumtext utf8mb4");
        assertThat(column("applications", "name")).isEqualTo("varchar(255) utf8mb4");
        assertThat(column("applications", "token")).isEqualTo("varchar(255) ascii/ascii_bin");
    }

    @Test
    void aFailingBatchStatementIsReportedAsAnUnavailableBackend() throws SQLException {
        store.createApplication("tok", "app", T0);
        store.apply(List.of(new ChatCreated("tok", 1, T0)));
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE messages");
        }

        // The message lookup, a generated statement run outside Jdbi, fails first.
        assertThatThrownBy(() -> store.apply(List.of(new MessageCreated("tok", 1, 1, "hello", T0, 1))))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("mysql store could not apply 1 writes: ")
                .hasMessageContaining("messages' doesn't exist")
                .hasMessageNotContaining("\n")
                .hasRootCauseInstanceOf(SQLException.class);
    }

    @Test
    void poolConnectionsBatchIntoMultiRowStatementsAndOpenNoTracingSpans() throws SQLException {
        try (MySqlDatabase pool =
                        MySqlDatabase.open(database.url, MySqlTestDatabase.USER, MySqlTestDatabase.PASSWORD, true);
                Connection connection = pool.dataSource().getConnection()) {
            PropertySet properties = connection.unwrap(JdbcConnection.class).getPropertySet();

            assertThat(properties.getEnumProperty(PropertyKey.openTelemetry).getValue())
                    .isEqualTo(OpenTelemetry.DISABLED);
            assertThat(properties
                            .getBooleanProperty(PropertyKey.rewriteBatchedStatements)
                            .getValue())
                    .isTrue();
        }
    }

    @Test
    void propertiesInTheUrlWinOverTheStoreDefaults() throws SQLException {
        String url = database.url + (database.url.contains("?") ? "&" : "?")
                + "socketTimeout=300000&sessionVariables=innodb_lock_wait_timeout=42";
        try (MySqlDatabase pool = MySqlDatabase.open(url, MySqlTestDatabase.USER, MySqlTestDatabase.PASSWORD, true);
                Connection connection = pool.dataSource().getConnection();
                ResultSet rs = connection.createStatement().executeQuery("SELECT @@SESSION.innodb_lock_wait_timeout")) {
            PropertySet properties = connection.unwrap(JdbcConnection.class).getPropertySet();

            assertThat(properties.getIntegerProperty(PropertyKey.socketTimeout).getValue())
                    .isEqualTo(300_000);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(42);
            // the defaults the URL does not name still apply
            assertThat(properties
                            .getBooleanProperty(PropertyKey.rewriteBatchedStatements)
                            .getValue())
                    .isTrue();
        }
    }

    @Test
    void createsInnoDbTables() throws SQLException {
        try (Connection connection = database.connect();
                ResultSet rs = connection
                        .createStatement()
                        .executeQuery("SELECT table_name, engine FROM information_schema.tables"
                                + " WHERE table_schema = DATABASE() AND table_name <> 'flyway_schema_history'")) {
            int tables = 0;
            while (rs.next()) {
                assertThat(rs.getString(2)).as(rs.getString(1)).isEqualTo("InnoDB");
                tables++;
            }
            // applications, chats, messages, idempotency_keys, shard_marks, version_marks
            assertThat(tables).isEqualTo(6);
        }
    }

    @Test
    void reportsTheKindAndAnUnreachableServer() {
        assertThat(store.health().kind()).isEqualTo("mysql");
        assertThatThrownBy(() -> MySqlChatStore.open("jdbc:mysql://127.0.0.1:1/none", "root", ""))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("mysql store could not open jdbc:mysql://127.0.0.1:1/none: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anUnreachableServerIsReportedWithoutThePasswordsInItsUrl() {
        assertThatThrownBy(() -> MySqlChatStore.open(
                        "jdbc:mysql://chat:s3cret@127.0.0.1:1/none?password=s3cret&connectTimeout=1000", "root", ""))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("mysql store could not open jdbc:mysql://chat:***@127.0.0.1:1/none"
                        + "?password=***&connectTimeout=1000: ")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void sessionVariablesInTheUrlKeepTheStoresLockWaitUnlessTheySetIt() throws SQLException {
        String url = database.url + (database.url.contains("?") ? "&" : "?") + "sessionVariables=wait_timeout=1234";
        try (MySqlDatabase pool = MySqlDatabase.open(url, MySqlTestDatabase.USER, MySqlTestDatabase.PASSWORD, true);
                Connection connection = pool.dataSource().getConnection();
                ResultSet rs = connection
                        .createStatement()
                        .executeQuery("SELECT @@SESSION.wait_timeout, @@SESSION.innodb_lock_wait_timeout")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1234);
            assertThat(rs.getLong(2)).isEqualTo(10); // below the socket timeout: a lock error, not a dead connection
        }
    }

    /** A session whose client died mid-transaction must not hold its locks for the server's default 8 hours. */
    @Test
    void sessionsIdleForTenMinutesAreEndedByTheServer() throws SQLException {
        String separator = database.url.contains("?") ? "&" : "?";
        String url = database.url + separator + "sessionVariables=sql_mode=ANSI_QUOTES";
        String lockWait = database.url + separator + "sessionVariables=innodb_lock_wait_timeout=10";
        for (String each : List.of(database.url, url, lockWait)) {
            try (MySqlDatabase pool =
                            MySqlDatabase.open(each, MySqlTestDatabase.USER, MySqlTestDatabase.PASSWORD, true);
                    Connection connection = pool.dataSource().getConnection();
                    ResultSet rs = connection
                            .createStatement()
                            .executeQuery("SELECT @@SESSION.wait_timeout, @@SESSION.innodb_lock_wait_timeout")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as(each).isEqualTo(600);
                assertThat(rs.getLong(2)).as(each).isEqualTo(10);
                assertThat(pool.dataSource().unwrap(HikariDataSource.class).getKeepaliveTime())
                        .isLessThan(600_000);
            }
        }
    }

    @Test
    void credentialsInTheUrlWinOverTheConfiguredOnes() throws SQLException {
        String url = database.url + (database.url.contains("?") ? "&" : "?") + "user="
                + URLEncoder.encode(MySqlTestDatabase.USER, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(MySqlTestDatabase.PASSWORD, StandardCharsets.UTF_8);
        try (MySqlDatabase pool = MySqlDatabase.open(url, "nobody", "wrong", true);
                Connection connection = pool.dataSource().getConnection()) {
            assertThat(connection.isValid(1)).isTrue();
        }
    }

    /** The driver's own parse errors quote the text they choke on: here a password's first part, or the query. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "jdbc:mysql://chat:ab12/cd@127.0.0.1:1/none",
                "jdbc:mysql://127.0.0.1:1/none?x!=1&password=ab12cd"
            })
    void aMalformedUrlIsAConfigurationErrorThatQuotesNoPartOfAPassword(String url) {
        assertThatThrownBy(() -> MySqlChatStore.open(url, "root", ""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("percent-encode")
                .hasMessageNotContaining("ab12");
    }

    /** The column's type and character set, plus its collation when that is a binary one. */
    private String column(String table, String column) throws SQLException {
        try (Connection connection = database.connect();
                PreparedStatement query = connection.prepareStatement("SELECT column_type, character_set_name,"
                        + " collation_name FROM information_schema.columns"
                        + " WHERE table_schema = DATABASE() AND table_name = ? AND column_name = ?")) {
            query.setString(1, table);
            query.setString(2, column);
            try (ResultSet rs = query.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String collation = rs.getString(3);
                return rs.getString(1) + " " + rs.getString(2) + (collation.endsWith("_bin") ? "/" + collation : "");
            }
        }
    }
}
