package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EXPLAINs the store's own statements on MySQL/MariaDB over enough rows that a missing index would show as a full
 * scan, and checks that every table but the ones a statement must scan is reached through a key. The findings are
 * written up in {@code docs/indices.md}.
 */
class MySqlExplainTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static MySqlTestDatabase database;

    @BeforeAll
    static void seed() throws SQLException {
        database = MySqlTestDatabase.create();
        try (MySqlChatStore store = database.open()) {
            for (int app = 1; app <= 20; app++) {
                String token = "tok" + app;
                store.createApplication(token, "app " + app, AT);
                List<Write> writes = new ArrayList<>();
                for (long chat = 1; chat <= 20; chat++) {
                    writes.add(new Write.ChatCreated(token, chat, AT));
                    for (long message = 1; message <= 20; message++) {
                        writes.add(new Write.MessageCreated(token, chat, message, "body " + message, AT, 1));
                    }
                }
                store.apply(writes);
            }
        }
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE TABLE applications, chats, messages");
        }
    }

    @AfterAll
    static void drop() {
        if (database != null) {
            database.close();
        }
    }

    static List<Arguments> statements() {
        return List.of(
                Arguments.of("application by token", Reads.APPLICATION, List.of("tok3"), Set.of()),
                Arguments.of("applications after token", Reads.APPLICATIONS_AFTER, List.of("tok8", 10), Set.of()),
                Arguments.of("chat by number", Reads.CHAT, List.of("tok3", 5), Set.of()),
                Arguments.of("application id", Reads.APPLICATION_ID, List.of("tok3"), Set.of()),
                Arguments.of("chat id", Reads.CHAT_ID, List.of("tok3", 5), Set.of()),
                Arguments.of("chats after N", Reads.CHATS_AFTER, List.of(3, 5, 10), Set.of()),
                Arguments.of("message by number", Reads.MESSAGE, List.of(5, 7), Set.of()),
                Arguments.of("messages after N", Reads.MESSAGES_AFTER, List.of(5, 7, 10), Set.of()),
                Arguments.of("messages by numbers", Reads.messagesIn(3), List.of(5, 1, 5, 7, 5, 9), Set.of()),
                Arguments.of("max chat number", Reads.MAX_CHAT_NUMBER, List.of(3), Set.of()),
                Arguments.of("max message number", Reads.MAX_MESSAGE_NUMBER, List.of(5), Set.of()),
                Arguments.of("index feed", Reads.INDEXED_AFTER, List.of(100, 50, 2_000_000), Set.of()),
                Arguments.of(
                        "index feed of a token",
                        Reads.INDEXED_OF_APPLICATION_AFTER,
                        List.of("tok3", 100, 50, 2_000_000),
                        Set.of()),
                Arguments.of(
                        "count messages of a token", Reads.COUNT_MESSAGES_OF_APPLICATION, List.of("tok3"), Set.of()),
                Arguments.of(
                        "apply: application ids",
                        KeyLookups.APPLICATION_IDS + KeyLookups.inList(2, 1),
                        List.of("tok3", "tok4"),
                        Set.of()),
                Arguments.of(
                        "apply: chat ids",
                        KeyLookups.CHAT_IDS + KeyLookups.inList(2, 2),
                        List.of(3, 5, 3, 6),
                        Set.of()),
                Arguments.of(
                        "apply: message ids",
                        KeyLookups.MESSAGE_IDS + KeyLookups.inList(2, 2),
                        List.of(45, 1, 45, 2),
                        Set.of()),
                Arguments.of("apply: versioned edit", BatchWriter.EDIT, List.of("edited", 1, 5, 45, 5), Set.of()),
                Arguments.of(
                        "raise a message's version",
                        JdbcChatStore.RAISE_MESSAGE_VERSION,
                        List.of(9, 45, 2, 9),
                        Set.of()),
                // Scans a row per queue shard: the point is that messages are not read. (Its upsert,
                // VersionMarks.RAISE, goes by the primary key as any INSERT … ON DUPLICATE KEY does; EXPLAIN of an
                // INSERT shows no access path.)
                Arguments.of("highest message version", VersionMarks.HIGHEST, List.of(), Set.of("version_marks")),
                Arguments.of(
                        "reconcile: chats of an application",
                        "SELECT COUNT(*) FROM chats c WHERE c.application_id = ?",
                        List.of(3),
                        Set.of()),
                Arguments.of(
                        "reconcile: messages of a chat",
                        "SELECT COUNT(*) FROM messages m WHERE m.chat_id = ?",
                        List.of(45),
                        Set.of()),
                // The reconciler checks every application and every chat, so their scan is the point.
                Arguments.of(
                        "reconcile: wrong application counts",
                        CountFixer.WRONG_APPLICATIONS,
                        List.of(0, 10_000),
                        Set.of("a")),
                Arguments.of("reconcile: wrong chat counts", CountFixer.WRONG_CHATS, List.of(0, 10_000), Set.of("c")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statements")
    void usesAKey(String name, String sql, List<Object> binds, Set<String> scanned) throws SQLException {
        List<String> plan = new ArrayList<>();
        try (Connection connection = database.connect();
                PreparedStatement explain = connection.prepareStatement("EXPLAIN " + sql)) {
            for (int i = 0; i < binds.size(); i++) {
                explain.setObject(i + 1, binds.get(i));
            }
            try (ResultSet rs = explain.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString("table");
                    String type = rs.getString("type");
                    String key = rs.getString("key");
                    String extra = rs.getString("Extra");
                    plan.add(table + " " + type + " " + key + " (" + extra + ")");
                    if (table == null || table.startsWith("<") || scanned.contains(table)) {
                        continue; // an optimized-away aggregate, a derived table's rows, or a scan by design
                    }
                    assertThat(type).as(name + ": " + plan).isNotEqualTo("ALL");
                    assertThat(key).as(name + ": " + plan).isNotNull();
                }
            }
        }
        System.out.println("EXPLAIN " + name + ": " + String.join("; ", plan));
        assertThat(plan).as(name).isNotEmpty();
    }
}
