package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.ReconcileReport.Correction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Recomputes {@code chats_count} and {@code messages_count} from the rows with set-based SQL that runs on H2 and
 * MySQL alike, a range of ids at a time: one statement over every chat aggregates the whole messages table, which
 * on a large store outlasts the connection's socket timeout and holds its locks as long.
 */
final class CountFixer {
    /** Applications or chats (by id) one transaction checks: bounds each statement's time and the locks it holds. */
    static final int IDS_PER_TRANSACTION = 10_000;

    static final String WRONG_APPLICATIONS = "SELECT a.id, a.token, 0 AS chat_number, a.chats_count AS was, "
            + "COUNT(c.id) AS actual FROM applications a LEFT JOIN chats c ON c.application_id = a.id "
            + "WHERE a.id > ? AND a.id <= ? "
            + "GROUP BY a.id, a.token, a.chats_count HAVING a.chats_count <> COUNT(c.id)";
    static final String WRONG_CHATS = "SELECT c.id, a.token, c.chat_number, c.messages_count AS was, "
            + "COUNT(m.id) AS actual FROM chats c JOIN applications a ON a.id = c.application_id "
            + "LEFT JOIN messages m ON m.chat_id = c.id "
            + "WHERE c.id > ? AND c.id <= ? "
            + "GROUP BY c.id, a.token, c.chat_number, c.messages_count HAVING c.messages_count <> COUNT(m.id)";

    // The new value is counted again under the row lock the UPDATE takes, so a batch that commits between the
    // SELECT above and the UPDATE is not undone, and concurrent runs converge on the same value.
    static final String FIX_APPLICATION = "UPDATE applications SET chats_count = "
            + "(SELECT COUNT(*) FROM chats c WHERE c.application_id = ?) WHERE id = ?";
    static final String FIX_CHAT =
            "UPDATE chats SET messages_count = " + "(SELECT COUNT(*) FROM messages m WHERE m.chat_id = ?) WHERE id = ?";

    private record Wrong(long id, String token, long chatNumber, long was) {}

    private CountFixer() {}

    /** The highest id of {@code table} ({@code applications} or {@code chats}), 0 when it is empty. */
    static long maxId(Handle handle, String table) {
        return handle.createQuery("SELECT COALESCE(MAX(id), 0) FROM " + table)
                .mapTo(Long.class)
                .one();
    }

    /**
     * Corrects the wrong {@code chats_count} of the applications with ids in ({@code after}, {@code upTo}] inside the
     * caller's transaction and reports each with its value after the fix.
     */
    static List<Correction> fixApplications(Handle handle, long after, long upTo) {
        return fix(handle, WRONG_APPLICATIONS, after, upTo, FIX_APPLICATION, "applications", "chats_count");
    }

    /** The same for the {@code messages_count} of the chats with ids in ({@code after}, {@code upTo}]. */
    static List<Correction> fixChats(Handle handle, long after, long upTo) {
        return fix(handle, WRONG_CHATS, after, upTo, FIX_CHAT, "chats", "messages_count");
    }

    private static List<Correction> fix(
            Handle handle, String select, long after, long upTo, String update, String table, String column) {
        List<Wrong> wrong = handle.createQuery(select)
                .bind(0, after)
                .bind(1, upTo)
                .map((rs, ctx) -> new Wrong(
                        rs.getLong("id"), rs.getString("token"), rs.getLong("chat_number"), rs.getLong("was")))
                .list();
        List<Correction> corrections = new ArrayList<>();
        // In id order, as apply locks rows, so a reconcile and a batch queue rather than deadlock.
        for (Wrong row :
                wrong.stream().sorted(Comparator.comparingLong(Wrong::id)).toList()) {
            handle.execute(update, row.id(), row.id());
            long now = handle.createQuery("SELECT " + column + " FROM " + table + " WHERE id = ?")
                    .bind(0, row.id())
                    .mapTo(Long.class)
                    .one();
            if (now != row.was()) {
                corrections.add(new Correction(row.token(), row.chatNumber(), row.was(), now));
            }
        }
        return corrections;
    }
}
