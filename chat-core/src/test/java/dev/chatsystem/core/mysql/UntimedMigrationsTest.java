package dev.chatsystem.core.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.output.OperationResult;
import org.junit.jupiter.api.Test;

/** A migration's statement may run longer than the pool's socket timeout allows a request's. */
class UntimedMigrationsTest {
    private static final String ONE_SECOND_TIMEOUT = MySqlTestDatabase.SERVER_URL
            + (MySqlTestDatabase.SERVER_URL.contains("?") ? "&" : "?") + "socketTimeout=1000";

    @Test
    void aStatementOfAMigrationOutlastsTheSocketTimeout() throws SQLException {
        try (Connection connection = connect()) {
            new UntimedMigrations().handle(Event.BEFORE_EACH_MIGRATE, on(connection));

            try (Statement statement = connection.createStatement()) {
                assertThat(statement.execute("SELECT SLEEP(2)")).isTrue();
            }
        }
    }

    @Test
    void withoutItTheSameStatementIsCutOff() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement()) {
            assertThatThrownBy(() -> statement.execute("SELECT SLEEP(2)")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void onlyMigrationsAreUntimed() {
        UntimedMigrations callback = new UntimedMigrations();
        assertThat(callback.supports(Event.BEFORE_EACH_MIGRATE, null)).isTrue();
        assertThat(callback.supports(Event.AFTER_MIGRATE, null)).isFalse();
        assertThat(callback.supports(Event.BEFORE_VALIDATE, null)).isFalse();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(ONE_SECOND_TIMEOUT, MySqlTestDatabase.USER, MySqlTestDatabase.PASSWORD);
    }

    private static Context on(Connection connection) {
        return new Context() {
            @Override
            public Configuration getConfiguration() {
                return null;
            }

            @Override
            public Connection getConnection() {
                return connection;
            }

            @Override
            public MigrationInfo getMigrationInfo() {
                return null;
            }

            @Override
            public org.flywaydb.core.api.callback.Statement getStatement() {
                return null;
            }

            @Override
            public OperationResult getOperationResult() {
                return null;
            }
        };
    }
}
