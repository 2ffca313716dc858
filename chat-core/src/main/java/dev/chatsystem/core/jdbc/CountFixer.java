package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.ReconcileReport.Correction;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Recomputes {@code chats_count} and {@code messages_count} from the rows with SQL that runs on H2 and MySQL alike:
 * wrong rows are found a range of ids at a time (one statement over every chat aggregates the whole messages table,
 * which on a large store outlasts the connection's socket timeout), then fixed one by one ({@link
 * CountReconciliation}).
 */
final class CountFixer {
    /** Applications or chats (by id) one query checks: bounds each statement's time. */
    static final int IDS_PER_RANGE = 10_000;

    static final String WRONG_APPLICATIONS = "SELECT a.id, a.token, 0 AS chat_number, a.chats_count AS was, "
            + "COUNT(c.id) AS actual FROM applications a LEFT JOIN chats c ON c.application_id = a.id "
            + "WHERE a.id > ? AND a.id <= ? "
            + "GROUP BY a.id, a.token, a.chats_count HAVING a.chats_count <> COUNT(c.id)";
    static final String WRONG_CHATS = "SELECT c.id, a.token, c.chat_number, c.messages_count AS was, "
            + "COUNT(m.id) AS actual FROM chats c JOIN applications a ON a.id = c.application_id "
            + "LEFT JOIN messages m ON m.chat_id = c.id "
            + "WHERE c.id > ? AND c.id <= ? "
            + "GROUP BY c.id, a.token, c.chat_number, c.messages_count HAVING c.messages_count <> COUNT(m.id)";

    // The new value is counted again once the row is locked, in a statement of its own, so a batch that commits
    // between the SELECT above and the lock is not undone, and concurrent runs converge on the same value. The lock
    // is followed by a read of the stored count (its own statement too): a row another run fixed meanwhile is neither
    // written nor reported again. One
    // UPDATE with the count as a subquery is not enough: H2 evaluates the subquery on the snapshot taken when the
    // statement starts, before it waits for the writer's lock, and wrote back a count without that writer's rows.
    static final String LOCK_APPLICATION = "SELECT id FROM applications WHERE id = ? FOR UPDATE";
    static final String STORED_CHATS_COUNT = "SELECT chats_count FROM applications WHERE id = ?";
    static final String COUNT_CHATS = "SELECT COUNT(*) FROM chats c WHERE c.application_id = ?";
    static final String SET_CHATS_COUNT = "UPDATE applications SET chats_count = ? WHERE id = ?";
    static final String LOCK_CHAT = "SELECT id FROM chats WHERE id = ? FOR UPDATE";
    static final String STORED_MESSAGES_COUNT = "SELECT messages_count FROM chats WHERE id = ?";
    static final String COUNT_MESSAGES = "SELECT COUNT(*) FROM messages m WHERE m.chat_id = ?";
    static final String SET_MESSAGES_COUNT = "UPDATE chats SET messages_count = ? WHERE id = ?";

    /**
     * One kind of count: the table whose rows hold it, the query finding wrong ones in a range of ids, and the
     * statements that fix one row: lock it, read its stored count, count its children, set the count.
     */
    record Fix(String table, String wrong, String lock, String stored, String count, String set) {}

    static final Fix APPLICATIONS = new Fix(
            "applications", WRONG_APPLICATIONS, LOCK_APPLICATION, STORED_CHATS_COUNT, COUNT_CHATS, SET_CHATS_COUNT);
    static final Fix CHATS =
            new Fix("chats", WRONG_CHATS, LOCK_CHAT, STORED_MESSAGES_COUNT, COUNT_MESSAGES, SET_MESSAGES_COUNT);

    /** A row whose count looked wrong when its range was read. */
    record Wrong(long id, String token, long chatNumber) {}

    private CountFixer() {}

    /** The highest id of {@code fix}'s table, 0 when it is empty. */
    static long maxId(Handle handle, Fix fix) {
        return handle.createQuery("SELECT COALESCE(MAX(id), 0) FROM " + fix.table())
                .mapTo(Long.class)
                .one();
    }

    /**
     * The rows with ids in ({@code after}, {@code upTo}] whose count differs from their children's, in id order (the
     * order apply locks rows in, so a reconcile and a batch queue rather than deadlock). A plain read: it locks
     * nothing, and a row it names may be right again by the time it is fixed.
     */
    static List<Wrong> wrong(Handle handle, Fix fix, long after, long upTo) {
        return handle
                .createQuery(fix.wrong())
                .bind(0, after)
                .bind(1, upTo)
                .map((rs, ctx) -> new Wrong(rs.getLong("id"), rs.getString("token"), rs.getLong("chat_number")))
                .list()
                .stream()
                .sorted(Comparator.comparingLong(Wrong::id))
                .toList();
    }

    /**
     * Corrects {@code row}'s count inside the caller's transaction, counted again under the row's lock; the
     * correction, or empty when the row is right (fixed by another run, or caught up by a batch) or gone.
     */
    static Optional<Correction> fix(Handle handle, Fix fix, Wrong row) {
        handle.createQuery(fix.lock()).bind(0, row.id()).mapTo(Long.class).findOne();
        Optional<Long> stored = handle.createQuery(fix.stored())
                .bind(0, row.id())
                .mapTo(Long.class)
                .findOne();
        if (stored.isEmpty()) {
            return Optional.empty(); // deleted meanwhile (nothing deletes rows today)
        }
        long now = handle.createQuery(fix.count())
                .bind(0, row.id())
                .mapTo(Long.class)
                .one();
        if (now == stored.get()) {
            return Optional.empty();
        }
        handle.execute(fix.set(), now, row.id());
        return Optional.of(new Correction(row.token(), row.chatNumber(), stored.get(), now));
    }
}
