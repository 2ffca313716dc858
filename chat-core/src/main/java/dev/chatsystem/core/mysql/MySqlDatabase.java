package dev.chatsystem.core.mysql;

import com.mysql.cj.conf.ConnectionUrl;
import com.mysql.cj.conf.ConnectionUrlParser;
import com.mysql.cj.conf.HostInfo;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.Urls;
import dev.chatsystem.core.jdbc.Failures;
import dev.chatsystem.core.jdbc.HikariPools;
import dev.chatsystem.core.jdbc.JdbcDatabase;
import dev.chatsystem.core.jdbc.SchemaMigrations;
import dev.chatsystem.core.jdbc.SqlDialect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
     *
     * cachePrepStmts keeps, per connection, the client-side parse of the last 25 statement texts, so a text seen
     * again is not parsed again (QueryInfo was a fifth of a worker's CPU). The batch statements are long (a 500-row
     * INSERT is about 8.5 KB, a 250-key IN list about 2 KB) and the default 256-character limit left them out:
     * 16384 covers them. Measured with BatchApplyBenchmark, the applying thread's CPU per 500-write batch fell from
     * 6.5 to 4.7 ms (spread over 200 chats) and 2.6 to 1.8 ms (one chat). A cached 500-row INSERT holds about 80 KB,
     * so the 25 entries cost at most about 2 MB per connection. (cacheServerConfiguration, maintainTimeStats=false and
     * elideSetAutoCommits measured no better, so they keep their defaults.)
     *
     * useServerPrepStmts: the server parses a statement once per connection instead of on every execution, and rows
     * come back in the binary protocol. Worth it for the reads: side by side (stack GET of a message, runs alternated),
     * 9,907 and 11,293 GET/s with text statements, 11,685 and 12,569 with server ones; MariaDB's CPU per GET 51 and 48
     * -> 43 and 42 µs, the server's 122 and 104 -> 103 and 94 µs. The workers' batches measured no different (nor in
     * the drain benchmark, alternated: persist 18,558-19,523/s either way). Cached per connection (25 each) and far
     * below the server's max_prepared_stmt_count; a statement the server cannot prepare falls back to the client.
     *
     * openTelemetry=DISABLED: the Elasticsearch client brings the OpenTelemetry API, and Connector/J then opens a
     * span around every statement, commit and autocommit switch, which with no SDK installed records nothing yet
     * cost 2 to 2.5 % of a stack server's CPU (JFR, lag benchmark and stack reads).
     */
    private static final String SESSION_VARIABLES = "sessionVariables";

    /** The pool's name, and its metrics' {@code pool} label, which dashboards and the bench scripts select. */
    private static final String POOL = "chat-mysql";

    /*
     * The lock wait: see above. wait_timeout: the server ends a session idle that long and rolls its transaction back.
     * Its default is 8 hours, and a worker whose host died or was cut off mid-batch never closes its connection: the
     * locks it held on a chat stopped every other worker persisting that chat's shard until the server's TCP
     * keepalive gave up (about 2 hours on Linux). Statements of a transaction here run back to back, and the pool
     * checks idle connections every KEEPALIVE, so 10 minutes ends nothing alive.
     */
    private static final Map<String, String> SESSION_DEFAULTS =
            Map.of("innodb_lock_wait_timeout", "10", "wait_timeout", "600");
    private static final long KEEPALIVE_MILLIS = 60_000;

    private static final Map<String, String> PROPERTIES = Map.ofEntries(
            Map.entry("rewriteBatchedStatements", "true"),
            Map.entry("useUnicode", "true"),
            Map.entry("characterEncoding", "UTF-8"),
            Map.entry("connectionCollation", "utf8mb4_unicode_ci"),
            Map.entry("connectTimeout", "3000"),
            Map.entry("socketTimeout", "30000"),
            Map.entry("useLocalSessionState", "true"),
            Map.entry("tcpKeepAlive", "true"),
            Map.entry("useServerPrepStmts", "true"),
            Map.entry("cachePrepStmts", "true"),
            Map.entry("prepStmtCacheSize", "25"),
            Map.entry("prepStmtCacheSqlLimit", "16384"),
            Map.entry("openTelemetry", "DISABLED"));

    private final HikariDataSource pool;

    private MySqlDatabase(HikariDataSource pool) {
        this.pool = pool;
    }

    static MySqlDatabase open(String jdbcUrl, String user, String password, boolean migrate) {
        if (!jdbcUrl.startsWith("jdbc:mysql:")) {
            throw new ConfigurationException("mysql url must start with jdbc:mysql:, got " + Urls.redact(jdbcUrl));
        }
        HostInfo named = parse(jdbcUrl).getMainHost();
        HikariDataSource pool = null;
        try {
            pool = HikariPools.start(poolConfig(jdbcUrl, Credentials.handedOver(named, user, password)), POOL);
            // Flyway takes a named lock (GET_LOCK) around the migration, so processes starting together take turns.
            // It holds the lock on a connection idle while another migrates: the server's default wait_timeout
            // keeps that one from being ended during a long migration, which would let another process in. The
            // connections Flyway used are then replaced, so none keeps it.
            SchemaMigrations.prepare(
                    Flyway.configure(MySqlDatabase.class.getClassLoader())
                            .dataSource(pool)
                            .initSql("SET SESSION wait_timeout = DEFAULT")
                            .callbacks(new UntimedMigrations())
                            .locations("classpath:db/migration")
                            .load(),
                    migrate,
                    Urls.redact(jdbcUrl));
            pool.getHikariPoolMXBean().softEvictConnections();
            return new MySqlDatabase(pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            if (e instanceof ConfigurationException) {
                throw e;
            }
            throw Failures.unavailable(SqlDialect.MYSQL, "open " + Urls.redact(jdbcUrl), e);
        }
    }

    /**
     * Parses the URL as the driver will, first: the driver's parse errors quote the text they choke on ("Failed to
     * parse the host:port pair 'chat:Xy7'" for a password with a '/'), which would put part of a password in the log.
     */
    private static ConnectionUrl parse(String jdbcUrl) {
        try {
            return ConnectionUrl.getConnectionUrlInstance(jdbcUrl, new Properties());
        } catch (RuntimeException e) {
            throw new ConfigurationException("mysql url " + Urls.redact(jdbcUrl) + " is not one Connector/J can parse:"
                    + " percent-encode reserved characters ('/', '?', '#', '@', '&', '=') in a user name, password or"
                    + " property value");
        }
    }

    /** The user and password handed to the driver, each null where the URL names its own. */
    private record Credentials(String user, String password) {
        /**
         * The URL's own ({@code user:pass@host} or {@code ?user=&password=}) win, as its other properties do: handed
         * to the driver, the configured ones (or their defaults, {@code chat} and empty) would replace them.
         */
        static Credentials handedOver(HostInfo named, String user, String password) {
            return new Credentials(
                    named.getUser() == null ? user : null, named.getPassword() == null ? password : null);
        }
    }

    private static HikariConfig poolConfig(String jdbcUrl, Credentials credentials) {
        HikariConfig config = new HikariConfig();
        config.setRegisterMbeans(true); // the pool gauges, read by a metrics shell over JMX
        config.setDriverClassName("com.mysql.cj.jdbc.Driver");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(credentials.user());
        config.setPassword(credentials.password());
        // Connector/J lets the properties it is handed override the URL's own, so a default the URL names (say
        // socketTimeout=300000 for a long migration) is left out rather than silently replacing the operator's value.
        Map<String, String> inUrl = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        inUrl.putAll(ConnectionUrlParser.parseConnectionString(jdbcUrl).getProperties());
        PROPERTIES.forEach((key, value) -> {
            if (!inUrl.containsKey(key)) {
                config.addDataSourceProperty(key, value);
            }
        });
        // The URL's session variables would replace ours whole (sessionVariables=sql_mode=...): a statement blocked on
        // a lock would then outlast the socket timeout and break its connection instead of failing with a lock error
        // that apply retries. Ours are added to them unless they set the same.
        String named = inUrl.getOrDefault(SESSION_VARIABLES, "");
        List<String> variables = new ArrayList<>();
        if (!named.isBlank()) {
            variables.add(named);
        }
        SESSION_DEFAULTS.forEach((name, value) -> {
            // The name whole: "wait_timeout" is also the end of "innodb_lock_wait_timeout".
            if (!Pattern.compile("(?:^|,)\\s*" + name + "\\s*=", Pattern.CASE_INSENSITIVE)
                    .matcher(named)
                    .find()) {
                variables.add(name + "=" + value);
            }
        });
        config.addDataSourceProperty(SESSION_VARIABLES, String.join(",", variables));
        config.setKeepaliveTime(KEEPALIVE_MILLIS);
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
