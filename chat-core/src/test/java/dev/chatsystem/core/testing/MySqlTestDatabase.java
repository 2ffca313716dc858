package dev.chatsystem.core.testing;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.mysql.MySqlChatStore;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A fresh, empty database on the test server, created through an admin connection and dropped on close. */
public final class MySqlTestDatabase implements AutoCloseable {
    public static final String SERVER_URL = Services.env("CHATSYSTEM_TEST_DB_URL", "jdbc:mysql://127.0.0.1:3306/");
    // The user scripts/services provisions: on a fresh Debian MariaDB root may log in only over the socket. Its grant
    // covers every database named chat%, the chat_test_ ones included.
    public static final String USER = Services.env("CHATSYSTEM_TEST_DB_USER", "chat");
    public static final String PASSWORD = System.getenv().getOrDefault("CHATSYSTEM_TEST_DB_PASSWORD", "chat");

    public final String name;
    public final String url;

    private MySqlTestDatabase(String name) {
        this.name = name;
        String[] parts = SERVER_URL.split("\\?", 2);
        String base = parts[0].endsWith("/") ? parts[0] : parts[0] + "/";
        this.url = base + name + (parts.length == 2 ? "?" + parts[1] : "");
    }

    /** Skips (or fails on CI) when the server is down; else creates {@code chat_test_<random>}. */
    public static MySqlTestDatabase create() {
        Services.requireMysql();
        MySqlTestDatabase database = new MySqlTestDatabase(
                "chat_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        database.admin("CREATE DATABASE " + database.name + " CHARACTER SET utf8mb4");
        return database;
    }

    /**
     * The production form on this database, Redis at {@code redisUrl} and the Elasticsearch index {@code index} (one
     * per test class), embedded files in {@code dataDir}; set the role and the rest on the builder.
     */
    public ChatConfig.Builder productionConfig(Path dataDir, URI redisUrl, String index) {
        return ChatConfig.builder()
                .dataDir(dataDir)
                .database(new ChatConfig.Database(url, USER, PASSWORD))
                .redisUrl(redisUrl)
                .elasticsearchUrl(Services.requireElasticsearch())
                .elasticsearchIndex(index);
    }

    public MySqlChatStore open() {
        return MySqlChatStore.open(url, USER, PASSWORD);
    }

    /** A connection to this database behind the store's back. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, USER, PASSWORD);
    }

    private void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(SERVER_URL, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("could not run " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin("DROP DATABASE IF EXISTS " + name);
    }
}
