package dev.chatsystem.core.jdbc;

import static dev.chatsystem.core.jdbc.Rows.APPLICATION_COLUMNS;
import static dev.chatsystem.core.jdbc.Rows.CHAT_COLUMNS;
import static dev.chatsystem.core.jdbc.Rows.MESSAGE_COLUMNS;

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
    private static final String MESSAGES_OF = MESSAGES_OF_APPLICATION + " AND c.chat_number = ?";
    private static final String INDEXED = "SELECT m.id, a.token, c.chat_number, m.message_number, m.body"
            + " FROM messages m JOIN chats c ON c.id = m.chat_id JOIN applications a ON a.id = c.application_id";

    // The statements the store runs most; package-private so that a test can EXPLAIN each (docs/indices.md).
    static final String APPLICATION = "SELECT " + APPLICATION_COLUMNS + " FROM applications a WHERE a.token = ?";
    static final String APPLICATIONS_AFTER =
            "SELECT " + APPLICATION_COLUMNS + " FROM applications a WHERE a.token > ? ORDER BY a.token LIMIT ?";
    static final String CHAT = "SELECT " + CHAT_COLUMNS + CHATS_OF_APPLICATION + " AND c.chat_number = ?";
    static final String CHATS_AFTER =
            "SELECT " + CHAT_COLUMNS + CHATS_OF_APPLICATION + " AND c.chat_number > ? ORDER BY c.chat_number LIMIT ?";
    static final String MESSAGE = "SELECT " + MESSAGE_COLUMNS + MESSAGES_OF + " AND m.message_number = ?";
    static final String MESSAGES_AFTER =
            "SELECT " + MESSAGE_COLUMNS + MESSAGES_OF + " AND m.message_number > ? ORDER BY m.message_number LIMIT ?";
    static final String MAX_CHAT_NUMBER = "SELECT COALESCE(MAX(c.chat_number), 0)" + CHATS_OF_APPLICATION;
    static final String MAX_MESSAGE_NUMBER = "SELECT COALESCE(MAX(m.message_number), 0)" + MESSAGES_OF;
    // The page of messages is cut first, by the primary key, and only its rows are joined: written as one join,
    // MariaDB starts from the small applications table and sorts every message to return the first few.
    static final String INDEXED_AFTER = "SELECT m.id, a.token, c.chat_number, m.message_number, m.body"
            + " FROM (SELECT id, chat_id, message_number, body FROM messages WHERE id > ? ORDER BY id LIMIT ?) m"
            + " JOIN chats c ON c.id = m.chat_id JOIN applications a ON a.id = c.application_id ORDER BY m.id";
    static final String INDEXED_OF_APPLICATION_AFTER =
            INDEXED + " WHERE a.token = ? AND m.id > ? ORDER BY m.id LIMIT ?";
    static final String COUNT_MESSAGES_OF_APPLICATION = "SELECT COUNT(*)" + MESSAGES_OF_APPLICATION;

    private Reads() {}

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
        return query(handle, CHATS_AFTER, token, after, limit).map(Rows.CHAT).list();
    }

    static Optional<Message> message(Handle handle, String token, long chatNumber, long messageNumber) {
        return query(handle, MESSAGE, token, chatNumber, messageNumber)
                .map(Rows.MESSAGE)
                .findOne();
    }

    static List<Message> messages(Handle handle, String token, long chatNumber, long after, int limit) {
        return query(handle, MESSAGES_AFTER, token, chatNumber, after, limit)
                .map(Rows.MESSAGE)
                .list();
    }

    static List<Message> messages(Handle handle, String token, long chatNumber, Collection<Long> numbers) {
        List<Object> binds = new ArrayList<>(List.of(token, chatNumber));
        binds.addAll(new LinkedHashSet<>(numbers));
        return query(handle, messagesIn(binds.size() - 2), binds.toArray())
                .map(Rows.MESSAGE)
                .list();
    }

    /** The messages of one chat with any of {@code numbers} message numbers. */
    static String messagesIn(int numbers) {
        String in = String.join(", ", Collections.nCopies(numbers, "?"));
        return "SELECT " + MESSAGE_COLUMNS + MESSAGES_OF + " AND m.message_number IN (" + in + ")";
    }

    static long maxChatNumber(Handle handle, String token) {
        return count(handle, MAX_CHAT_NUMBER, token);
    }

    static long maxMessageNumber(Handle handle, String token, long chatNumber) {
        return count(handle, MAX_MESSAGE_NUMBER, token, chatNumber);
    }

    static MessageBatch messagesForIndex(Handle handle, Optional<String> token, long cursor, int limit) {
        Query query = token.isPresent()
                ? query(handle, INDEXED_OF_APPLICATION_AFTER, token.get(), cursor, limit)
                : query(handle, INDEXED_AFTER, cursor, limit);
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
