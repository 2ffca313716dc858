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
    private static final String CHAT_OF = CHATS_OF_APPLICATION + " AND c.chat_number";
    private static final String MESSAGES_OF_APPLICATION = " FROM messages m JOIN chats c ON c.id = m.chat_id"
            + " JOIN applications a ON a.id = c.application_id WHERE a.token = ?";
    private static final String MESSAGES_OF = MESSAGES_OF_APPLICATION + " AND c.chat_number = ?";
    private static final String INDEXED = "SELECT m.id, a.token, c.chat_number, m.message_number, m.body"
            + " FROM messages m JOIN chats c ON c.id = m.chat_id JOIN applications a ON a.id = c.application_id";

    private Reads() {}

    static Optional<Application> application(Handle handle, String token) {
        return query(handle, "SELECT " + APPLICATION_COLUMNS + " FROM applications a WHERE a.token = ?", token)
                .map(Rows.APPLICATION)
                .findOne();
    }

    static List<Application> applications(Handle handle, Optional<String> afterToken, int limit) {
        String select = "SELECT " + APPLICATION_COLUMNS + " FROM applications a";
        Query query = afterToken.isPresent()
                ? query(handle, select + " WHERE a.token > ? ORDER BY a.token LIMIT ?", afterToken.get(), limit)
                : query(handle, select + " ORDER BY a.token LIMIT ?", limit);
        return query.map(Rows.APPLICATION).list();
    }

    static Optional<Chat> chat(Handle handle, String token, long chatNumber) {
        return query(handle, "SELECT " + CHAT_COLUMNS + CHAT_OF + " = ?", token, chatNumber)
                .map(Rows.CHAT)
                .findOne();
    }

    static List<Chat> chats(Handle handle, String token, long after, int limit) {
        String sql = "SELECT " + CHAT_COLUMNS + CHAT_OF + " > ? ORDER BY c.chat_number LIMIT ?";
        return query(handle, sql, token, after, limit).map(Rows.CHAT).list();
    }

    static Optional<Message> message(Handle handle, String token, long chatNumber, long messageNumber) {
        String sql = "SELECT " + MESSAGE_COLUMNS + MESSAGES_OF + " AND m.message_number = ?";
        return query(handle, sql, token, chatNumber, messageNumber)
                .map(Rows.MESSAGE)
                .findOne();
    }

    static List<Message> messages(Handle handle, String token, long chatNumber, long after, int limit) {
        String sql = "SELECT " + MESSAGE_COLUMNS + MESSAGES_OF + " AND m.message_number > ?"
                + " ORDER BY m.message_number LIMIT ?";
        return query(handle, sql, token, chatNumber, after, limit)
                .map(Rows.MESSAGE)
                .list();
    }

    static List<Message> messages(Handle handle, String token, long chatNumber, Collection<Long> numbers) {
        List<Object> binds = new ArrayList<>(List.of(token, chatNumber));
        binds.addAll(new LinkedHashSet<>(numbers));
        String in = String.join(", ", Collections.nCopies(binds.size() - 2, "?"));
        String sql = "SELECT " + MESSAGE_COLUMNS + MESSAGES_OF + " AND m.message_number IN (" + in + ")";
        return query(handle, sql, binds.toArray()).map(Rows.MESSAGE).list();
    }

    static long maxChatNumber(Handle handle, String token) {
        return count(handle, "SELECT COALESCE(MAX(c.chat_number), 0)" + CHATS_OF_APPLICATION, token);
    }

    static long maxMessageNumber(Handle handle, String token, long chatNumber) {
        return count(handle, "SELECT COALESCE(MAX(m.message_number), 0)" + MESSAGES_OF, token, chatNumber);
    }

    static MessageBatch messagesForIndex(Handle handle, Optional<String> token, long cursor, int limit) {
        Query query = token.isPresent()
                ? query(
                        handle,
                        INDEXED + " WHERE a.token = ? AND m.id > ? ORDER BY m.id LIMIT ?",
                        token.get(),
                        cursor,
                        limit)
                : query(handle, INDEXED + " WHERE m.id > ? ORDER BY m.id LIMIT ?", cursor, limit);
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
                ? count(handle, "SELECT COUNT(*)" + MESSAGES_OF_APPLICATION, token.get())
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
