package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.jdbc.BatchPlan.ChatKey;
import dev.chatsystem.core.jdbc.BatchPlan.MessageKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;

/**
 * Finds the ids of the natural keys a batch names, and locks parent rows, with a few IN-list statements, run through
 * {@link PositionalStatements}: their text varies with the number of keys.
 */
final class KeyLookups {
    /** Keys per statement: keeps statements small and under every engine's placeholder limit. */
    static final int KEYS_PER_STATEMENT = 250;

    static final String APPLICATION_IDS = "SELECT id, token FROM applications WHERE token IN ";
    static final String CHAT_IDS =
            "SELECT id, application_id, chat_number FROM chats WHERE (application_id, chat_number) IN ";
    static final String MESSAGE_IDS =
            "SELECT id, chat_id, message_number FROM messages WHERE (chat_id, message_number) IN ";

    private KeyLookups() {}

    static Map<String, Long> applicationIds(Handle handle, Collection<String> tokens) {
        Map<String, Long> ids = new HashMap<>();
        lookUp(handle, APPLICATION_IDS, tokens, List::of, rs -> ids.put(rs.getString("token"), rs.getLong("id")));
        return ids;
    }

    static Map<ChatKey, Long> chatIds(Handle handle, Collection<ChatKey> keys) {
        Map<ChatKey, Long> ids = new HashMap<>();
        lookUp(
                handle,
                CHAT_IDS,
                keys,
                key -> List.of(key.applicationId(), key.chatNumber()),
                rs -> ids.put(new ChatKey(rs.getLong("application_id"), rs.getLong("chat_number")), rs.getLong("id")));
        return ids;
    }

    static Map<MessageKey, Long> messageIds(Handle handle, Collection<MessageKey> keys, Map<ChatKey, Long> chatIds) {
        Map<Long, ChatKey> chatsById = new HashMap<>();
        chatIds.forEach((key, id) -> chatsById.put(id, key));
        Map<MessageKey, Long> ids = new HashMap<>();
        lookUp(handle, MESSAGE_IDS, keys, key -> List.of(chatIds.get(key.chat()), key.messageNumber()), rs -> {
            ChatKey chat = chatsById.get(rs.getLong("chat_id"));
            ids.put(new MessageKey(chat, rs.getLong("message_number")), rs.getLong("id"));
        });
        return ids;
    }

    /** The creation time, in microseconds, of each message with these ids. */
    static Map<Long, Long> messagesCreatedAt(Handle handle, Collection<Long> ids) {
        Map<Long, Long> createdAt = new HashMap<>();
        lookUp(
                handle,
                "SELECT id, created_at FROM messages WHERE id IN ",
                ids,
                List::of,
                rs -> createdAt.put(rs.getLong("id"), rs.getLong("created_at")));
        return createdAt;
    }

    /** The creation time, in microseconds, of each chat with these ids, by its key. */
    static Map<ChatKey, Long> chatsCreatedAt(Handle handle, Map<ChatKey, Long> chatIds) {
        Map<Long, ChatKey> keysById = new HashMap<>();
        chatIds.forEach((key, id) -> keysById.put(id, key));
        Map<ChatKey, Long> createdAt = new HashMap<>();
        lookUp(
                handle,
                "SELECT id, created_at FROM chats WHERE id IN ",
                keysById.keySet(),
                List::of,
                rs -> createdAt.put(keysById.get(rs.getLong("id")), rs.getLong("created_at")));
        return createdAt;
    }

    /**
     * Locks the rows of {@code table} with these ids until the transaction ends, in ascending id order, so that two
     * transactions locking overlapping sets queue behind each other instead of deadlocking.
     */
    static void lock(Handle handle, String table, Collection<Long> ids) {
        List<Long> sorted = List.copyOf(new TreeSet<>(ids));
        for (int from = 0; from < sorted.size(); from += KEYS_PER_STATEMENT) {
            List<Object> chunk = padded(sorted.subList(from, Math.min(sorted.size(), from + KEYS_PER_STATEMENT)), 1);
            PositionalStatements.query(
                    handle,
                    "SELECT id FROM " + table + " WHERE id IN " + inList(chunk.size(), 1) + " ORDER BY id FOR UPDATE",
                    chunk,
                    rs -> {});
        }
    }

    /** Runs {@code select} followed by an IN list of the keys, each bound as a row of {@code values}, in chunks. */
    private static <K> void lookUp(
            Handle handle,
            String select,
            Collection<K> keys,
            Function<K, List<Object>> values,
            PositionalStatements.RowReader rows) {
        List<K> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += KEYS_PER_STATEMENT) {
            List<K> chunk = all.subList(from, Math.min(all.size(), from + KEYS_PER_STATEMENT));
            List<Object> binds = new ArrayList<>();
            chunk.forEach(key -> binds.addAll(values.apply(key)));
            int width = binds.size() / chunk.size();
            List<Object> padded = padded(binds, width);
            PositionalStatements.query(handle, select + inList(padded.size() / width, width), padded, rows);
        }
    }

    /**
     * The binds of a chunk with its last key repeated up to the next power of two keys (at most {@link
     * #KEYS_PER_STATEMENT}), so that a statement text recurs across batches of different sizes and the engine's
     * cache of parsed statements finds it (H2 parsed every lookup anew: batch sizes hardly ever repeat). A key named
     * twice in an IN list matches its row once.
     */
    static List<Object> padded(List<?> binds, int width) {
        int keys = binds.size() / width;
        int target = keys <= 1 ? keys : Math.min(KEYS_PER_STATEMENT, Integer.highestOneBit(keys - 1) << 1);
        List<Object> padded = new ArrayList<>(Math.max(keys, target) * width);
        padded.addAll(binds);
        List<?> last = binds.subList(binds.size() - width, binds.size());
        for (int key = keys; key < target; key++) {
            padded.addAll(last);
        }
        return padded;
    }

    /** {@code (?, ?)} for one key of width 1, {@code ((?, ?), (?, ?))} for two of width 2, and so on. */
    static String inList(int keys, int width) {
        String row = width == 1 ? "?" : "(" + String.join(", ", Collections.nCopies(width, "?")) + ")";
        return "(" + String.join(", ", Collections.nCopies(keys, row)) + ")";
    }
}
