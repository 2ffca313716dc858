package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** A store upgraded to the version marks (V5) starts them at the highest version its messages hold. */
class VersionMarksMigrationTest {
    @Test
    void anUpgradedH2StoreIsSeededWithItsHighestVersion() throws SQLException {
        String url = "jdbc:h2:mem:version-marks-" + UUID.randomUUID() + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE";
        try (Connection keptOpen = DriverManager.getConnection(url)) { // the in-memory database lives while it does
            migrate(Flyway.configure().dataSource(url, "", ""), "4");
            storeBeforeTheMarks(keptOpen);

            migrate(Flyway.configure().dataSource(url, "", ""), null);

            assertThat(marks(keptOpen)).isEqualTo("-1=42");
        }
    }

    @Test
    void anUpgradedMySqlStoreIsSeededWithItsHighestVersion() throws SQLException {
        try (MySqlTestDatabase database = MySqlTestDatabase.create()) {
            migrate(
                    Flyway.configure().dataSource(database.url, MySqlTestDatabase.USER, MySqlTestDatabase.PASSWORD),
                    "4");
            try (Connection connection = database.connect()) {
                storeBeforeTheMarks(connection);
            }

            try (MySqlChatStore store = database.open(); // migrates
                    Connection connection = database.connect()) {
                assertThat(marks(connection)).isEqualTo("-1=42");
                assertThat(store.maxMessageVersion()).isEqualTo(42);
            }
        }
    }

    private static void migrate(org.flywaydb.core.api.configuration.FluentConfiguration flyway, String target) {
        flyway.locations("classpath:db/migration");
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
    }

    /** Messages written before V5, the highest version on neither the first nor the last row. */
    private static void storeBeforeTheMarks(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO applications (token, name, chats_count, created_at, updated_at)"
                    + " VALUES ('tok', 'app', 1, 0, 0)");
            statement.executeUpdate("INSERT INTO chats (application_id, chat_number, messages_count, created_at)"
                    + " SELECT id, 1, 3, 0 FROM applications");
            statement.executeUpdate(
                    "INSERT INTO messages (chat_id, message_number, body, created_at, updated_at, version)"
                            + " SELECT id, 1, 'a', 0, 0, 7 FROM chats UNION ALL SELECT id, 2, 'b', 0, 0, 42 FROM chats"
                            + " UNION ALL SELECT id, 3, 'c', 0, 0, 0 FROM chats");
        }
    }

    private static String marks(Connection connection) throws SQLException {
        StringBuilder marks = new StringBuilder();
        try (Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("SELECT shard, highest_version FROM version_marks ORDER BY shard")) {
            while (rows.next()) {
                marks.append(marks.isEmpty() ? "" : ", ")
                        .append(rows.getInt(1))
                        .append('=')
                        .append(rows.getLong(2));
            }
        }
        return marks.toString();
    }
}
