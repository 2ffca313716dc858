package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.jdbc.BatchPlan.ChatKey;
import dev.chatsystem.core.jdbc.BatchPlan.MessageKey;
import dev.chatsystem.core.spi.Write;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * Applies a list of writes inside the caller's transaction with a fixed number of statements: look up the keys the
 * writes name, plan in memory ({@link BatchPlan}), then one JDBC batch per kind of change.
 */
final class BatchWriter {
    /** Keys per lookup statement: keeps statements small and under every engine's placeholder limit. */
    private static final int KEYS_PER_STATEMENT = 250;

    private BatchWriter() {}

    static void apply(Handle handle, List<Write> writes) {
        Set<String> tokens = new LinkedHashSet<>();
        writes.forEach(write -> tokens.add(write.token()));
        Map<String, Long> applications = applicationIds(handle, tokens);
        if (applications.isEmpty()) {
            return;
        }
        Set<ChatKey> named = new HashSet<>();
        for (Write write : writes) {
            Long applicationId = applications.get(write.token());
            if (applicationId != null) {
                named.add(new ChatKey(applicationId, write.chatNumber()));
            }
        }
        Map<ChatKey, Long> chatIds = chatIds(handle, named);
        Map<MessageKey, Long> messageIds =
                messageIds(handle, BatchPlan.messageKeys(writes, applications, chatIds.keySet()), chatIds);
        BatchPlan plan = BatchPlan.of(writes, applications, chatIds.keySet(), messageIds);

        insertChats(handle, plan);
        Set<ChatKey> receiving = new HashSet<>(plan.messagesPerChat().keySet());
        receiving.removeAll(chatIds.keySet());
        chatIds.putAll(chatIds(handle, receiving));
        insertMessages(handle, plan, chatIds);
        updateEdits(handle, plan);
        // Counts last and in id order, so concurrent batches lock shared rows in the same order and cannot deadlock.
        Map<Long, Long> perChat = new TreeMap<>();
        plan.messagesPerChat().forEach((chat, added) -> perChat.put(chatIds.get(chat), added));
        addCounts(handle, "UPDATE chats SET messages_count = messages_count + ? WHERE id = ?", perChat);
        addCounts(
                handle,
                "UPDATE applications SET chats_count = chats_count + ? WHERE id = ?",
                new TreeMap<>(plan.chatsPerApplication()));
    }

    private static Map<String, Long> applicationIds(Handle handle, Collection<String> tokens) {
        Map<String, Long> ids = new HashMap<>();
        lookUp(handle, "SELECT id, token FROM applications WHERE token IN ", tokens, List::of, (rs, ctx) -> {
            ids.put(rs.getString("token"), rs.getLong("id"));
            return ids;
        });
        return ids;
    }

    private static Map<ChatKey, Long> chatIds(Handle handle, Collection<ChatKey> keys) {
        Map<ChatKey, Long> ids = new HashMap<>();
        lookUp(
                handle,
                "SELECT id, application_id, chat_number FROM chats WHERE (application_id, chat_number) IN ",
                keys,
                key -> List.of(key.applicationId(), key.chatNumber()),
                (rs, ctx) -> {
                    ids.put(new ChatKey(rs.getLong("application_id"), rs.getLong("chat_number")), rs.getLong("id"));
                    return ids;
                });
        return ids;
    }

    private static Map<MessageKey, Long> messageIds(
            Handle handle, Collection<MessageKey> keys, Map<ChatKey, Long> chatIds) {
        Map<Long, ChatKey> chatsById = new HashMap<>();
        chatIds.forEach((key, id) -> chatsById.put(id, key));
        Map<MessageKey, Long> ids = new HashMap<>();
        lookUp(
                handle,
                "SELECT id, chat_id, message_number FROM messages WHERE (chat_id, message_number) IN ",
                keys,
                key -> List.of(chatIds.get(key.chat()), key.messageNumber()),
                (rs, ctx) -> {
                    ChatKey chat = chatsById.get(rs.getLong("chat_id"));
                    ids.put(new MessageKey(chat, rs.getLong("message_number")), rs.getLong("id"));
                    return ids;
                });
        return ids;
    }

    /** Runs {@code select} followed by an IN list of the keys, each bound as a row of {@code values}, in chunks. */
    private static <K> void lookUp(
            Handle handle,
            String select,
            Collection<K> keys,
            Function<K, List<Object>> values,
            RowMapper<Object> rows) {
        List<K> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += KEYS_PER_STATEMENT) {
            List<K> chunk = all.subList(from, Math.min(all.size(), from + KEYS_PER_STATEMENT));
            List<Object> binds = new ArrayList<>();
            chunk.forEach(key -> binds.addAll(values.apply(key)));
            int width = binds.size() / chunk.size();
            String row = width == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(width, "?")) + ")";
            Query query =
                    handle.createQuery(select + "(" + String.join(", ", Collections.nCopies(chunk.size(), row)) + ")");
            for (int i = 0; i < binds.size(); i++) {
                query.bind(i, binds.get(i));
            }
            query.map(rows).list();
        }
    }

    private static void insertChats(Handle handle, BatchPlan plan) {
        PreparedBatch batch = handle.prepareBatch(
                "INSERT INTO chats (application_id, chat_number, messages_count, created_at) VALUES (?, ?, 0, ?)");
        plan.newChats.forEach((key, at) -> batch.add(key.applicationId(), key.chatNumber(), Rows.micros(at)));
        execute(batch);
    }

    private static void insertMessages(Handle handle, BatchPlan plan, Map<ChatKey, Long> chatIds) {
        PreparedBatch batch = handle.prepareBatch("INSERT INTO messages (chat_id, message_number, body, created_at, "
                + "updated_at) VALUES (?, ?, ?, ?, ?)");
        plan.newMessages.forEach((key, message) -> batch.add(
                chatIds.get(key.chat()),
                key.messageNumber(),
                message.body(),
                Rows.micros(message.createdAt()),
                Rows.micros(message.updatedAt())));
        execute(batch);
    }

    private static void updateEdits(Handle handle, BatchPlan plan) {
        PreparedBatch batch = handle.prepareBatch("UPDATE messages SET body = ?, updated_at = ? WHERE id = ?");
        plan.edits.values().forEach(edit -> batch.add(edit.body(), Rows.micros(edit.at()), edit.messageId()));
        execute(batch);
    }

    private static void addCounts(Handle handle, String update, Map<Long, Long> addedById) {
        PreparedBatch batch = handle.prepareBatch(update);
        addedById.forEach((id, added) -> batch.add(added, id));
        execute(batch);
    }

    private static void execute(PreparedBatch batch) {
        if (batch.size() > 0) {
            batch.execute();
        }
    }
}
