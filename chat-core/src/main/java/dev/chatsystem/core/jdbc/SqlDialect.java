package dev.chatsystem.core.jdbc;

/**
 * The database engine behind a {@link JdbcChatStore}. The statements are the same on every engine; the dialect only
 * names the engine in health reports and error messages and says which failures are worth retrying.
 */
public enum SqlDialect {
    /** H2 in MySQL compatibility mode. */
    H2("h2"),
    /** MySQL 8.4 or MariaDB 10.11, through MySQL Connector/J. */
    MYSQL("mysql");

    private final String kind;

    SqlDialect(String kind) {
        this.kind = kind;
    }

    /** The backend kind reported by health checks, e.g. {@code mysql}. */
    public String kind() {
        return kind;
    }
}
