package dev.chatsystem.core.jdbc;

import static dev.chatsystem.core.jdbc.Rows.APPLICATION_COLUMNS;
import static dev.chatsystem.core.jdbc.Rows.CHAT_COLUMNS;
import static dev.chatsystem.core.jdbc.Rows.CHAT_MESSAGE_COLUMNS;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.Chat;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.MessageBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/** The store's read statements; every list is a keyset page over a unique index. */
final class Reads {
    private static final String CHATS_OF_APPLICATION =
            " FROM chats c JOIN applications a ON a.id = c.application_id WHERE a.token = ?";
    private static final String MESSAGES_OF_APPLICATION = " FROM messages m JOIN chats c ON c.id = m.chat_id"
            + " JOIN applications a ON a.id = c.application_id WHERE a.token = ?";
    private static final String INDEXED =
            "SELECT m.id, a.token, c.chat_number, m.message_number, m.body, m.version, m.updated_at"
                    + " FROM messages m JOIN chats c ON c.id = m.chat_id JOIN applications a ON a.id = c.application_id";

    // The statements the store runs most; package-private so that a test can EXPLAIN each (docs/indices.md).
    static final String APPLICATION = "SELECT " + APPLICATION_COLUMNS + " FROM applications a WHERE a.token = ?";
    static final String APPLICATIONS_AFTER =
            "SELECT " + APPLICATION_COLUMNS + " FROM applications a WHERE a.token > ? ORDER BY a.token LIMIT ?";
    static final String CHAT = "SELECT " + CHAT_COLUMNS + CHATS_OF_APPLICATION + " AND c.chat_number = ?";
    // Lists and maxima first resolve the parent's id, then read one table in the order of its unique index,
    // (parent id, number): H2 then stops after the page (or the one row of a maximum) instead of reading every row
    // of the parent, which it does when the same query is written as a join. MySQL uses the same index either way.
    static final String APPLICATION_ID = "SELECT a.id FROM applications a WHERE a.token = ?";
    static final String CHAT_ID = "SELECT c.id" + CHATS_OF_APPLICATION + " AND c.chat_number = ?";
    static final String CHATS_AFTER = "SELECT " + CHAT_COLUMNS + " FROM chats c WHERE c.application_id = ?"
            + " AND c.chat_number > ? ORDER BY c.application_id, c.chat_number LIMIT ?";
    static final String MESSAGE =
            "SELECT " + CHAT_MESSAGE_COLUMNS + " FROM messages m WHERE m.chat_id = ? AND m.message_number = ?";
    static final String MESSAGES_AFTER = "SELECT " + CHAT_MESSAGE_COLUMNS + " FROM messages m WHERE m.chat_id = ?"
            + " AND m.message_number > ? ORDER BY m.chat_id, m.message_number LIMIT ?";
    static final String MAX_CHAT_NUMBER = "SELECT c.chat_number FROM chats c WHERE c.application_id = ?"
            + " ORDER BY c.application_id DESC, c.chat_number DESC LIMIT 1";
    static final String MAX_MESSAGE_NUMBER = "SELECT m.message_number FROM messages m WHERE m.chat_id = ?"
            + " ORDER BY m.chat_id DESC, m.message_number DESC LIMIT 1";
    // The page of messages is cut first, by the primary key, and only its rows are joined: written as one join,
    // MariaDB starts from the small applications table and sorts every message to return the first few.
    static final String INDEXED_AFTER =
            boundedByBodies("SELECT m.id, a.token, c.chat_number, m.message_number, m.body, m.version, m.updated_at"
                    + " FROM (SELECT id, chat_id, message_number, body, version, updated_at FROM messages"
                    + " WHERE id > ? ORDER BY id LIMIT ?) m"
                    + " JOIN chats c ON c.id = m.chat_id JOIN applications a ON a.id = c.application_id");
    static final String INDEXED_OF_APPLICATION_AFTER =
            boundedByBodies(INDEXED + " WHERE a.token = ? AND m.id > ? ORDER BY m.id LIMIT ?");

    /**
     * Body characters one {@link #messagesForIndex} batch holds at most (a single longer message alone): a thousand
     * bodies of 64 KB would be 64 MB, and the driver holds a copy of its own.
     */
    static final long INDEX_FEED_MAX_CHARS = 2L << 20;

    static final String COUNT_MESSAGES_OF_APPLICATION = "SELECT COUNT(*)" + MESSAGES_OF_APPLICATION;

    private Reads() {}

    /**
     * {@code feed} (columns id, token, chat_number, message_number, body, version, updated_at), cut in the database, in
     * id order,
     * before the row whose body would take the total past one more bound parameter: only what a batch keeps crosses
     * the wire. A running sum over a window, which MySQL 8, MariaDB 10.2 and H2 all have.
     */
    private static String boundedByBodies(String feed) {
        return "SELECT w.id, w.token, w.chat_number, w.message_number, w.body, w.version, w.updated_at FROM (SELECT f.*,"
                + " SUM(CHAR_LENGTH(f.body)) OVER (ORDER BY f.id) - CHAR_LENGTH(f.body) AS chars_before"
                + " FROM (" + feed + ") f) w WHERE w.chars_before < ? ORDER BY w.id";
    }

    static Optional<Application> application(Handle handle, String token) {
        return query(handle, APPLICATION, token).map(Rows.APPLICATION).findOne();
    }

    static List<Application> applications(Handle handle, Optional<String> afterToken, int limit) {
        Query query = afterToken.isPresent()
                ? query(handle, APPLICATIONS_AFTER, afterToken.get(), limit)
                : query(
                        handle,
                        "SELECT " + APPLICATION_COLUMNS + " FROM applications a ORDER BY a.token LIMIT ?",
                        limit);
        return query.map(Rows.APPLICATION).list();
    }

    static Optional<Chat> chat(Handle handle, String token, long chatNumber) {
        return query(handle, CHAT, token, chatNumber).map(Rows.CHAT).findOne();
    }

    static List<Chat> chats(Handle handle, String token, long after, int limit) {
        return applicationId(handle, token)
                .map(id -> query(handle, CHATS_AFTER, id, after, limit)
                        .map(Rows.CHAT)
                        .list())
                .orElse(List.of());
    }

    static Optional<Long> applicationId(Handle handle, String token) {
        return query(handle, APPLICATION_ID, token).mapTo(Long.class).findOne();
    }

    static Optional<Long> chatId(Handle handle, String token, long chatNumber) {
        return query(handle, CHAT_ID, token, chatNumber).mapTo(Long.class).findOne();
    }

    /** The message numbered {@code messageNumber} of the chat with id {@code chatId} (numbered {@code chatNumber}). */
    static Optional<Message> message(Handle handle, long chatId, long chatNumber, long messageNumber) {
        return query(handle, MESSAGE, chatId, messageNumber)
                .map(Rows.messageOf(chatNumber))
                .findOne();
    }

    /** The page of messages after {@code after} of the chat with id {@code chatId} (numbered {@code chatNumber}). */
    static List<Message> messages(Handle handle, long chatId, long chatNumber, long after, int limit) {
        return query(handle, MESSAGES_AFTER, chatId, after, limit)
                .map(Rows.messageOf(chatNumber))
                .list();
    }

    /** The messages numbered {@code numbers} (not empty) of the chat with id {@code chatId}. */
    static List<Message> messages(Handle handle, long chatId, long chatNumber, Collection<Long> numbers) {
        List<Object> binds = new ArrayList<>();
        for (Long number : new LinkedHashSet<>(numbers)) {
            binds.add(chatId);
            binds.add(number);
        }
        return query(handle, messagesIn(binds.size() / 2), binds.toArray())
                .map(Rows.messageOf(chatNumber))
                .list();
    }

    /**
     * The messages of one chat with any of {@code numbers} message numbers, as row values {@code (chat id,
     * number)}: both engines look each one up in the unique index (a plain IN list made H2 read the whole chat).
     */
    static String messagesIn(int numbers) {
        String in = String.join(", ", Collections.nCopies(numbers, "(?, ?)"));
        return "SELECT " + CHAT_MESSAGE_COLUMNS + " FROM messages m WHERE (m.chat_id, m.message_number) IN (" + in
                + ")";
    }

    static long maxChatNumber(Handle handle, String token) {
        return applicationId(handle, token)
                .flatMap(id ->
                        query(handle, MAX_CHAT_NUMBER, id).mapTo(Long.class).findOne())
                .orElse(0L);
    }

    static long maxMessageId(Handle handle) {
        return handle.createQuery("SELECT COALESCE(MAX(id), 0) FROM messages")
                .mapTo(Long.class)
                .one();
    }

    static long chatMaxMessageVersion(Handle handle, long chatId) {
        return query(handle, "SELECT COALESCE(MAX(m.version), 0) FROM messages m WHERE m.chat_id = ?", chatId)
                .mapTo(Long.class)
                .one();
    }

    static long maxMessageNumber(Handle handle, long chatId) {
        return query(handle, MAX_MESSAGE_NUMBER, chatId)
                .mapTo(Long.class)
                .findOne()
                .orElse(0L);
    }

    static MessageBatch messagesForIndex(Handle handle, Optional<String> token, long cursor, int limit) {
        Query query = token.isPresent()
                ? query(handle, INDEXED_OF_APPLICATION_AFTER, token.get(), cursor, limit, INDEX_FEED_MAX_CHARS)
                : query(handle, INDEXED_AFTER, cursor, limit, INDEX_FEED_MAX_CHARS);
        long[] last = {cursor};
        List<IndexedMessage> messages = query.map((rs, ctx) -> {
                    last[0] = rs.getLong("id");
                    return Rows.INDEXED.map(rs, ctx);
                })
                .list();
        return new MessageBatch(messages, last[0]);
    }

    static long countMessages(Handle handle, Optional<String> token) {
        return token.isPresent()
                ? count(handle, COUNT_MESSAGES_OF_APPLICATION, token.get())
                : count(handle, "SELECT COUNT(*) FROM messages");
    }

    static long count(Handle handle, String sql, Object... binds) {
        return query(handle, sql, binds).mapTo(Long.class).one();
    }

    private static Query query(Handle handle, String sql, Object... binds) {
        Query query = handle.createQuery(sql);
        for (int i = 0; i < binds.length; i++) {
            query.bind(i, binds[i]);
        }
        return query;
    }
}
