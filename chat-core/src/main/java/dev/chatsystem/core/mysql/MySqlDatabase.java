package dev.chatsystem.core.mysql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.jdbc.Failures;
import dev.chatsystem.core.jdbc.JdbcDatabase;
import dev.chatsystem.core.jdbc.SqlDialect;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** The connection pool behind a {@link MySqlChatStore}, opened and migrated before the store uses it. */
final class MySqlDatabase implements JdbcDatabase {
    static final int POOL_SIZE = 16;

    /*
     * rewriteBatchedStatements turns a JDBC batch into multi-row statements: one round trip per batch.
     * characterEncoding=UTF-8 makes Connector/J talk utf8mb4, so 4-byte characters survive. The timeouts make a dead
     * server fail a call within seconds instead of hanging a thread; the lock wait stays below the socket timeout so
     * a blocked statement fails with a lock error (which apply retries) rather than a broken connection.
     * useLocalSessionState skips the round trips that re-check autocommit and isolation on every transaction.
     */
    private static final Map<String, String> PROPERTIES = Map.of(
            "rewriteBatchedStatements", "true",
            "useUnicode", "true",
            "characterEncoding", "UTF-8",
            "connectionCollation", "utf8mb4_unicode_ci",
            "connectTimeout", "3000",
            "socketTimeout", "30000",
            "sessionVariables", "innodb_lock_wait_timeout=10",
            "useLocalSessionState", "true",
            "tcpKeepAlive", "true");

    private final HikariDataSource pool;

    private MySqlDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    static MySqlDatabase open(String jdbcUrl, String user, String password) {
        if (!jdbcUrl.startsWith("jdbc:mysql:")) {
            throw new ConfigurationException("mysql url must start with jdbc:mysql:, got " + jdbcUrl);
        }
        HikariDataSource pool = null;
        try {
            pool = new HikariDataSource(poolConfig(jdbcUrl, user, password));
            // Flyway takes a named lock (GET_LOCK) around the migration, so processes starting together take turns.
            Flyway.configure(MySqlDatabase.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return new MySqlDatabase(pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            // Only the part before the query string: properties may hold a password.
            throw Failures.unavailable(SqlDialect.MYSQL, "open " + jdbcUrl.split("\\?", 2)[0], e);
        }
    }

    private static HikariConfig poolConfig(String jdbcUrl, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("chat-mysql");
        config.setRegisterMbeans(true); // the pool gauges, read by a metrics shell over JMX
        config.setDriverClassName("com.mysql.cj.jdbc.Driver");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        PROPERTIES.forEach(config::addDataSourceProperty);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(5_000);
        // The store's correctness under concurrent batches rests on READ COMMITTED: see BatchWriter.
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return config;
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.MYSQL;
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
