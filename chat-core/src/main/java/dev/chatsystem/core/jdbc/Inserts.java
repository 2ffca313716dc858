package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.jdbc.BatchPlan.ChatKey;
import dev.chatsystem.core.jdbc.BatchPlan.MessageKey;
import dev.chatsystem.core.jdbc.BatchPlan.NewMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Inserts a plan's chats and messages with multi-row {@code INSERT IGNORE} statements and reports how many rows each
 * parent actually gained.
 *
 * <p>{@code INSERT IGNORE} (H2 supports it in MySQL mode) skips a row whose unique key exists instead of failing the
 * batch: a second process applying the same write after it committed is a no-op. Because every statement covers one
 * parent, its affected-row count is exactly what that parent's count must grow by. (A JDBC batch would not tell:
 * Connector/J's {@code rewriteBatchedStatements} folds it into one statement whose per-row counts are lost.) The
 * statements' text varies with the number of rows, so they run through {@link PositionalStatements}, not Jdbi's parser.
 */
final class Inserts {
    /** Rows per statement, and the bytes of bodies per statement: far below the 16 MiB default max_allowed_packet. */
    private static final int ROWS_PER_STATEMENT = 500;

    private static final long BODY_BYTES_PER_STATEMENT = 4L << 20;

    private static final String SAVEPOINT = "messages_across_chats";

    private static final String CHATS =
            "INSERT IGNORE INTO chats (application_id, chat_number, messages_count, created_at) VALUES ";
    private static final String MESSAGES =
            "INSERT IGNORE INTO messages (chat_id, message_number, body, created_at, updated_at, version) VALUES ";

    private Inserts() {}

    /** Inserts the plan's chats; returns the number inserted per application id. */
    static Map<Long, Long> chats(Handle handle, BatchPlan plan) {
        Map<Long, List<List<Object>>> rows = new LinkedHashMap<>();
        plan.newChats.forEach(
                (ChatKey key, Instant at) -> rows.computeIfAbsent(key.applicationId(), id -> new ArrayList<>())
                        .add(List.of(key.applicationId(), key.chatNumber(), Rows.micros(at))));
        return insert(handle, CHATS, "(?, ?, 0, ?)", rows, 0);
    }

    /** Inserts the plan's messages into the chats with known ids; returns the number inserted per chat id. */
    static Map<Long, Long> messages(Handle handle, BatchPlan plan, Map<ChatKey, Long> chatIds) {
        Map<Long, List<List<Object>>> rows = new LinkedHashMap<>();
        plan.newMessages.forEach((MessageKey key, NewMessage message) -> {
            Long chatId = chatIds.get(key.chat());
            if (chatId != null) {
                rows.computeIfAbsent(chatId, id -> new ArrayList<>())
                        .add(List.of(
                                chatId,
                                key.messageNumber(),
                                message.body(),
                                Rows.micros(message.createdAt()),
                                Rows.micros(message.updatedAt()),
                                message.version()));
            }
        });
        return insertAcrossParents(handle, MESSAGES, "(?, ?, ?, ?, ?, ?)", rows, 2);
    }

    /**
     * A batch spread over many chats would need one statement per chat. The parents are locked by the caller, so
     * every planned row is new: insert them in as few statements as possible and, when the affected rows add up to
     * the plan, each parent gained exactly its planned rows. Only if they do not (a writer that bypassed the locks)
     * is the attempt rolled back to a savepoint and redone one parent per statement, which counts exactly.
     */
    private static Map<Long, Long> insertAcrossParents(
            Handle handle, String insert, String row, Map<Long, List<List<Object>>> rowsByParent, int textColumn) {
        if (rowsByParent.size() < 2) {
            return insert(handle, insert, row, rowsByParent, textColumn);
        }
        List<List<Object>> all = new ArrayList<>();
        Map<Long, Long> planned = new LinkedHashMap<>();
        rowsByParent.forEach((parent, rows) -> {
            all.addAll(rows);
            planned.put(parent, (long) rows.size());
        });
        handle.savepoint(SAVEPOINT);
        long added = insert(handle, insert, row, Map.of(0L, all), textColumn).get(0L);
        if (added == all.size()) {
            handle.releaseSavepoint(SAVEPOINT);
            return planned;
        }
        handle.rollbackToSavepoint(SAVEPOINT);
        return insert(handle, insert, row, rowsByParent, textColumn);
    }

    /** Runs the insert for each parent's rows in chunks; {@code textColumn} is the one whose size bounds a chunk. */
    private static Map<Long, Long> insert(
            Handle handle, String insert, String row, Map<Long, List<List<Object>>> rowsByParent, int textColumn) {
        Map<Long, Long> inserted = new LinkedHashMap<>();
        rowsByParent.forEach((parent, rows) -> {
            long added = 0;
            List<List<Object>> chunk = new ArrayList<>();
            long bytes = 0;
            for (List<Object> values : rows) {
                long size = values.get(textColumn) instanceof String text ? 3L * text.length() : 0;
                if (!chunk.isEmpty()
                        && (chunk.size() == ROWS_PER_STATEMENT || bytes + size > BODY_BYTES_PER_STATEMENT)) {
                    added += execute(handle, insert, row, chunk);
                    chunk.clear();
                    bytes = 0;
                }
                chunk.add(values);
                bytes += size;
            }
            added += execute(handle, insert, row, chunk);
            inserted.put(parent, added);
        });
        return inserted;
    }

    private static int execute(Handle handle, String insert, String row, List<List<Object>> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        List<Object> binds = new ArrayList<>(rows.size() * rows.getFirst().size());
        rows.forEach(binds::addAll);
        return PositionalStatements.update(
                handle, insert + String.join(", ", Collections.nCopies(rows.size(), row)), binds);
    }
}
