package dev.chatsystem.core.h2;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.chatsystem.core.ConfigurationException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.NoTemplateEngine;

/**
 * The resources behind an {@link H2ChatStore}: a lock on the data dir, the connection pool and Jdbi, opened in that
 * order and closed in reverse.
 */
final class H2Database implements AutoCloseable {
    static final int POOL_SIZE = 8;

    /*
     * WRITE_DELAY=0 makes MVStore write a chunk to the file on every commit before the commit returns, so an
     * acknowledged commit survives the JVM being killed (the OS still has to flush its cache to survive a power cut).
     * FILE_LOCK=FS takes an OS lock on the file, so a second process cannot open it. DB_CLOSE_ON_EXIT=FALSE leaves
     * closing to close(): H2's own shutdown hook would otherwise pull the database from under a draining writer.
     * LOCK_TIMEOUT lets concurrent batches that touch one application row queue instead of failing after 1 s.
     */
    private static final String SETTINGS = ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0;FILE_LOCK=FS"
            + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";

    private final FileChannel lockFile;
    private final FileLock lock;
    private final HikariDataSource pool;
    final Jdbi jdbi;

    private H2Database(FileChannel lockFile, FileLock lock, HikariDataSource pool) {
        this.lockFile = lockFile;
        this.lock = lock;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool).setTemplateEngine(new NoTemplateEngine());
    }

    static H2Database open(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        if (dir.toString().indexOf(';') >= 0) {
            throw new ConfigurationException("data dir " + dir + " must not contain ';' (it ends an H2 URL)");
        }
        FileChannel channel = lockChannel(dir);
        FileLock lock = null;
        HikariDataSource pool = null;
        try {
            lock = tryLock(channel, dir);
            pool = new HikariDataSource(poolConfig(url(dir)));
            Flyway.configure(H2Database.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            return new H2Database(channel, lock, pool);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            closeQuietly(channel);
            if (e instanceof ConfigurationException) {
                throw e;
            }
            throw Failures.isAlreadyOpen(e) ? Failures.inUse(dir, e) : Failures.unavailable("open " + dir, e);
        }
    }

    /** The JDBC URL of the database in {@code dir}, an absolute, normalized path. */
    static String url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("chat") + SETTINGS;
    }

    private static FileChannel lockChannel(Path dir) {
        try {
            Files.createDirectories(dir);
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
                throw Failures.inUse(dir, null);
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            throw Failures.inUse(dir, e);
        } catch (IOException e) {
            throw new ConfigurationException("data dir " + dir + " could not be locked: " + e.getMessage(), e);
        }
    }

    private static HikariConfig poolConfig(String url) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("chat-h2");
        config.setDriverClassName("org.h2.Driver");
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        return config;
    }

    @Override
    public void close() {
        pool.close();
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases the lock too
        }
        closeQuietly(lockFile);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
