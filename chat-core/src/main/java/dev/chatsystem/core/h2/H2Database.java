package dev.chatsystem.core.h2;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.files.OwnerOnlyDirectories;
import dev.chatsystem.core.jdbc.Failures;
import dev.chatsystem.core.jdbc.HikariPools;
import dev.chatsystem.core.jdbc.JdbcDatabase;
import dev.chatsystem.core.jdbc.SchemaMigrations;
import dev.chatsystem.core.jdbc.SqlDialect;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The resources behind an {@link H2ChatStore}: a lock on the data dir and the connection pool, opened in that
 * order and closed in reverse.
 */
final class H2Database implements JdbcDatabase {
    /** H2's DATABASE_ALREADY_OPEN: another process holds the file lock. */
    private static final int DATABASE_ALREADY_OPEN = 90020;

    static final int POOL_SIZE = 8;

    /**
     * The pool everything but batch writes uses, and the one batch writes use ({@link #writeDataSource}): the embedded
     * writer is one thread behind every create, and with a shared pool a flood of reads held every connection while
     * creates failed waiting for one. Connections to an embedded database cost next to nothing.
     */
    private static final String POOL = "chat-h2";

    private static final String WRITES_POOL = "chat-h2-writes";

    /*
     * WRITE_DELAY=0 makes MVStore write a chunk to the file on every commit before the commit returns, so an
     * acknowledged commit survives the JVM being killed (the OS still has to flush its cache to survive a power cut).
     * FILE_LOCK=FS takes an OS lock on the file, so a second process cannot open it. DB_CLOSE_ON_EXIT=FALSE leaves
     * closing to close(): H2's own shutdown hook would otherwise pull the database from under a draining writer.
     * LOCK_TIMEOUT lets concurrent batches that touch one application row queue instead of failing after 1 s.
     */
    private static final String SETTINGS = ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0;FILE_LOCK=FS"
            + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64";

    private final FileChannel lockFile;
    private final FileLock lock;
    private final HikariDataSource pool;
    private final HikariDataSource writes;

    private H2Database(FileChannel lockFile, FileLock lock, HikariDataSource pool, HikariDataSource writes) {
        this.lockFile = lockFile;
        this.lock = lock;
        this.pool = pool;
        this.writes = writes;
    }

    static H2Database open(Path dataDir, boolean migrate) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (dir.toString().indexOf(';') >= 0) {
            throw new ConfigurationException("data dir " + dir + " must not contain ';' (it ends an H2 URL)");
        }
        FileChannel channel = lockChannel(dir);
        FileLock lock = null;
        HikariDataSource pool = null;
        HikariDataSource writes = null;
        try {
            lock = tryLock(channel, dir);
            pool = HikariPools.start(poolConfig(url(dir)), POOL);
            SchemaMigrations.prepare(
                    Flyway.configure(H2Database.class.getClassLoader())
                            .dataSource(pool)
                            .locations("classpath:db/migration", "classpath:db/h2")
                            .load(),
                    migrate,
                    "data dir " + dir);
            writes = HikariPools.start(poolConfig(url(dir)), WRITES_POOL);
            return new H2Database(channel, lock, pool, writes);
        } catch (RuntimeException e) {
            if (writes != null) {
                writes.close();
            }
            if (pool != null) {
                pool.close();
            }
            closeQuietly(channel);
            if (e instanceof ConfigurationException) {
                throw e;
            }
            throw isAlreadyOpen(e) ? inUse(dir, e) : Failures.unavailable(SqlDialect.H2, "open " + dir, e);
        }
    }

    /** The JDBC URL of the database in {@code dir}, an absolute, normalized path. */
    static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("chat") + SETTINGS;
    }

    private static FileChannel lockChannel(Path dir) {
        try {
            OwnerOnlyDirectories.create(dir);
            return FileChannel.open(dir.resolve("chat.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new ConfigurationException("data dir " + dir + " is not usable: " + e.getMessage(), e);
        }
    }

    /*
     * Our own lock besides H2's: H2 lets a second connection in the same JVM share an open database, which would
     * make two stores in one process silently share state; an OS lock is per process, an overlapping one in the
     * same JVM throws. Either way a second opener is refused before it touches the database.
     */
    private static FileLock tryLock(FileChannel channel, Path dir) {
        try {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dir, null);
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            throw inUse(dir, e);
        } catch (IOException e) {
            throw new ConfigurationException("data dir " + dir + " could not be locked: " + e.getMessage(), e);
        }
    }

    private static HikariConfig poolConfig(String url) {
        HikariConfig config = new HikariConfig();
        config.setRegisterMbeans(true); // the pool gauges, read by a metrics shell over JMX
        config.setDriverClassName("org.h2.Driver");
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return config;
    }

    private static ConfigurationException inUse(Path dataDir, Throwable cause) {
        return new ConfigurationException("data dir " + dataDir + " is in use by another process", cause);
    }

    private static boolean isAlreadyOpen(Throwable failure) {
        return Failures.sqlException(failure)
                .filter(e -> e.getErrorCode() == DATABASE_ALREADY_OPEN)
                .isPresent();
    }

    @Override
    public SqlDialect dialect() {
        return SqlDialect.H2;
    }

    @Override
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public DataSource writeDataSource() {
        return writes;
    }

    /**
     * Closes the pool, and so the database, before giving the data dir up. An interrupt of the closing thread is kept
     * for after: the pool closes connections on threads of its own and stops waiting for them when interrupted, which
     * would give the data dir up while H2 is still closing (and the embedded writer and indexer restore theirs).
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        try {
            writes.close();
            pool.close();
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases the lock too
            }
            closeQuietly(lockFile);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
