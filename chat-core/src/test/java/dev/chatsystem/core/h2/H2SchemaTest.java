package dev.chatsystem.core.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.ConfigurationException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the H2-only migration step leaves of the shared schema (it bears on the cost of every group commit), and a store
 * opened without migrating.
 */
class H2SchemaTest {
    @TempDir
    Path dir;

    /**
     * H2 keeps an index of its own for a foreign key rather than using the unique index that starts with its column;
     * that index cost a B-tree leaf per chat in every group commit, so the embedded store drops the constraint.
     */
    @Test
    void messagesKeepTheirPrimaryKeyAndNumberIndexOnly() throws Exception {
        try (H2ChatStore store = H2ChatStore.open(dir);
                Connection connection = DriverManager.getConnection(
                        H2Database.url(dir.toAbsolutePath().normalize()), "sa", "")) {
            List<String> indexes = new ArrayList<>();
            try (ResultSet rows = connection
                    .createStatement()
                    .executeQuery("SELECT INDEX_TYPE_NAME FROM INFORMATION_SCHEMA.INDEXES"
                            + " WHERE TABLE_NAME = 'messages' ORDER BY INDEX_TYPE_NAME")) {
                while (rows.next()) {
                    indexes.add(rows.getString(1));
                }
            }
            assertThat(indexes).containsExactly("PRIMARY KEY", "UNIQUE INDEX");
        }
    }

    @Test
    void aStoreOpenedWithoutMigratingRefusesASchemaThatIsBehindAndAcceptsACurrentOne() {
        assertThatThrownBy(() -> H2ChatStore.open(dir, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("not created yet")
                .hasMessageContaining("run chat-cli migrate first");

        try (H2ChatStore migrated = H2ChatStore.open(dir)) {
            assertThat(migrated.schemaVersion()).isEqualTo("5");
        }
        try (H2ChatStore current = H2ChatStore.open(dir, false)) {
            assertThat(current.schemaVersion()).isEqualTo("5");
        }
    }

    /** A failed migration stays recorded (MySQL cannot roll DDL back); the servers then refuse to start, and so must this. */
    @Test
    void aStoreOpenedWithoutMigratingRefusesAFailedMigration() throws Exception {
        H2ChatStore.open(dir).close();
        try (Connection connection =
                DriverManager.getConnection(H2Database.url(dir.toAbsolutePath().normalize()), "sa", "")) {
            connection
                    .createStatement()
                    .executeUpdate(
                            "UPDATE \"flyway_schema_history\" SET \"success\" = FALSE" + " WHERE \"version\" = '3'");
        }

        assertThatThrownBy(() -> H2ChatStore.open(dir, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("migration to version 3")
                .hasMessageContaining("failed");
    }
}
