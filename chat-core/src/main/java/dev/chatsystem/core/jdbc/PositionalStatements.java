package dev.chatsystem.core.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * Runs generated statements with positional {@code ?} placeholders as plain JDBC prepared statements on the handle's
 * connection, inside its transaction.
 *
 * <p>Why not Jdbi: the batch statements are built for each batch (IN lists of N keys, INSERTs of N rows), so their text
 * changes with N, misses Jdbi's parse cache and is lexed again by Jdbi's ANTLR parser on every call, which was most of
 * a worker's CPU. These statements need nothing Jdbi's parser gives (no named parameters, no templates), and JDBC
 * reads {@code ?} itself. A failure is wrapped in Jdbi's {@link UnableToExecuteStatementException}, as Jdbi would,
 * so the store's callers translate it the same way ({@link Failures} reads the SQLSTATE from the cause).
 */
final class PositionalStatements {
    /** Reads one row of a result; the result set is positioned on the row. */
    @FunctionalInterface
    interface RowReader {
        void read(ResultSet row) throws SQLException;
    }

    private PositionalStatements() {}

    /** Runs an INSERT, UPDATE or DELETE and returns the rows it affected as the engine reports them. */
    static int update(Handle handle, String sql, List<?> binds) {
        try (PreparedStatement statement = prepare(handle, sql, binds)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /** Runs a SELECT and hands each row to {@code rows}, in order. */
    static void query(Handle handle, String sql, List<?> binds, RowReader rows) {
        try (PreparedStatement statement = prepare(handle, sql, binds);
                ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                rows.read(result);
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    private static PreparedStatement prepare(Handle handle, String sql, List<?> binds) throws SQLException {
        Connection connection = handle.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < binds.size(); i++) {
                bind(statement, i + 1, binds.get(i));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /** The types the store binds, each with its own setter; anything else is a bug in the caller. */
    private static void bind(PreparedStatement statement, int position, Object value) throws SQLException {
        switch (value) {
            case null -> statement.setNull(position, Types.NULL);
            case Long number -> statement.setLong(position, number);
            case Integer number -> statement.setInt(position, number);
            case String text -> statement.setString(position, text);
            default ->
                throw new IllegalArgumentException(
                        "cannot bind a " + value.getClass().getName());
        }
    }

    private static UnableToExecuteStatementException failed(String sql, SQLException e) {
        String statement = sql.length() <= 120 ? sql : sql.substring(0, 120) + "…";
        return new UnableToExecuteStatementException(e.getMessage() + " [statement: " + statement + "]", e, null);
    }
}
