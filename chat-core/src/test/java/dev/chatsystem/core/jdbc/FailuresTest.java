package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chatsystem.core.BackendUnavailableException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;

/**
 * Which failures run a transaction again (README, Guarantees: "MySQL as 1205 or 1213, not always as SQLSTATE class
 * 40"; H2 as HYT00 or 90131), as the store meets them: an {@link SQLException} deep in a Jdbi exception.
 */
class FailuresTest {
    private static final String TOKEN = "SeCrEtToKeN-in-a-duplicate-key";

    @Test
    void mySqlDeadlocksAndLockWaitsAreRetriedByTheirErrorCodeWhateverTheState() {
        assertThat(retried(SqlDialect.MYSQL, "40001", 1213))
                .as("deadlock as Connector/J reports it")
                .isTrue();
        assertThat(retried(SqlDialect.MYSQL, "HY000", 1213))
                .as("deadlock under a general state")
                .isTrue();
        assertThat(retried(SqlDialect.MYSQL, "HY000", 1205))
                .as("lock wait timeout")
                .isTrue();
        assertThat(retried(SqlDialect.MYSQL, "41000", 1205))
                .as("lock wait timeout, X/Open state")
                .isTrue();
    }

    @Test
    void aRollbackStateIsRetriedOnEitherEngine() {
        assertThat(retried(SqlDialect.MYSQL, "40001", 0)).isTrue();
        assertThat(retried(SqlDialect.H2, "40001", 40001)).isTrue();
    }

    @Test
    void h2LockTimeoutsAreRetriedOnlyOnH2() {
        assertThat(retried(SqlDialect.H2, "HYT00", 50200)).isTrue();
        assertThat(retried(SqlDialect.H2, "90131", 90131)).isTrue();
        assertThat(retried(SqlDialect.MYSQL, "HYT00", 0)).isFalse();
        assertThat(retried(SqlDialect.H2, "HY000", 1213))
                .as("MySQL's codes mean nothing on H2")
                .isFalse();
    }

    @Test
    void otherFailuresAreNotRetried() {
        assertThat(retried(SqlDialect.MYSQL, "23000", 1062)).as("duplicate key").isFalse();
        assertThat(retried(SqlDialect.MYSQL, "08S01", 0)).as("connection lost").isFalse();
        assertThat(retried(SqlDialect.MYSQL, "42000", 1064)).as("syntax").isFalse();
        assertThat(Failures.isWorthRetrying(SqlDialect.MYSQL, new IllegalStateException("no SQL in it")))
                .isFalse();
    }

    @Test
    void theDeepestSqlExceptionDecides() {
        SQLException deadlock = new SQLTransactionRollbackException("Deadlock found", "40001", 1213);
        SQLException wrapper = new SQLException("batch failed", "HY000", 0, deadlock);
        assertThat(Failures.isWorthRetrying(SqlDialect.MYSQL, jdbi(wrapper))).isTrue();
        assertThat(Failures.describe(jdbi(wrapper))).isEqualTo("Deadlock found");
    }

    private static boolean retried(SqlDialect dialect, String state, int code) {
        return Failures.isWorthRetrying(dialect, jdbi(new SQLException("failed", state, code)));
    }

    private static RuntimeException jdbi(SQLException cause) {
        return new UnableToExecuteStatementException(cause, null);
    }

    @Test
    void aDuplicateKeyIsDescribedWithoutItsValue() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:failures-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        HandleCalls calls = new HandleCalls(dataSource, SqlDialect.H2);
        calls.untranslated(handle -> handle.execute("CREATE TABLE t (token VARCHAR(64) PRIMARY KEY)"));
        calls.untranslated(handle -> handle.execute("INSERT INTO t (token) VALUES (?)", TOKEN));

        Throwable failure = catchThrowable(() -> calls.transaction(
                "create an application", handle -> handle.execute("INSERT INTO t (token) VALUES (?)", TOKEN)));

        assertThat(failure)
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageNotContaining(TOKEN)
                .hasMessageContaining("SQLSTATE 23505");
    }

    /** MySQL's "Duplicate entry 'x' for key 'y'", as Connector/J reports it. */
    @Test
    void mySqlsDuplicateEntryIsDescribedWithoutItsValue() {
        SQLException duplicate = new SQLIntegrityConstraintViolationException(
                "Duplicate entry '" + TOKEN + "' for key 'applications.uk_token'", "23000", 1062);

        assertThat(Failures.describe(new RuntimeException(duplicate)))
                .doesNotContain(TOKEN)
                .contains("SQLSTATE 23000, error 1062");
    }

    @Test
    void otherFailuresKeepTheirFirstLine() {
        SQLException timeout =
                new SQLException("Lock wait timeout exceeded; try restarting transaction\nmore", "40001");

        assertThat(Failures.describe(timeout)).isEqualTo("Lock wait timeout exceeded; try restarting transaction");
    }
}
