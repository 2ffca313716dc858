package dev.chatsystem.core.jdbc;

import javax.sql.DataSource;

/**
 * A migrated database as a {@link JdbcChatStore} uses it: a pooled {@link DataSource} and its dialect. The handle owns
 * the pool and whatever else its adapter opened for it; {@link #close()} releases them.
 */
public interface JdbcDatabase extends AutoCloseable {

    SqlDialect dialect();

    /**
     * A pool of connections to a database whose schema is up to date, at READ COMMITTED isolation: {@link BatchWriter}
     * relies on each statement seeing what other transactions committed before it.
     */
    DataSource dataSource();

    /**
     * The connections of the store's one writer ({@link JdbcChatStore#writer}): the {@link #dataSource()} unless the
     * adapter keeps them apart, as the embedded store does so that a flood of reads cannot keep its writer waiting for
     * a connection (every create would then fail).
     */
    default DataSource writeDataSource() {
        return dataSource();
    }

    /** This database seen through {@link #writeDataSource} only; closing the view closes nothing. */
    default JdbcDatabase forWrites() {
        JdbcDatabase database = this;
        return new JdbcDatabase() {
            @Override
            public SqlDialect dialect() {
                return database.dialect();
            }

            @Override
            public DataSource dataSource() {
                return database.writeDataSource();
            }

            @Override
            public void close() {}
        };
    }

    /** Closes the pool, then releases anything else the adapter opened, in reverse order. */
    @Override
    void close();
}
