package dev.chatsystem.core.jdbc;

import dev.chatsystem.core.jdbc.BatchPlan.ChatKey;
import dev.chatsystem.core.jdbc.BatchPlan.MessageKey;
import dev.chatsystem.core.spi.Displaced;
import dev.chatsystem.core.spi.Write;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Applies a list of writes inside the caller's transaction with a fixed number of statements: look up the keys the
 * writes name, plan in memory ({@link BatchPlan}), then a few statements per kind of change.
 *
 * <p>Safe when batches that overlap run at once, in this process or in others on the same database. Before reading
 * what exists, it locks the parents it will add to (the applications it creates chats in, the existing chats it may
 * add messages to), always applications before chats and each in id order, so that such batches queue rather than
 * deadlock or both insert. This relies on READ COMMITTED: each statement sees every row committed before it began, so once the
 * locks are held the lookups see everything the batches before it wrote. (Under REPEATABLE READ the lookups would
 * read the snapshot of the first one, taken before the locks.) The inserts still use {@code INSERT IGNORE} and the
 * counts grow by the rows each insert reports, so even a writer that took no lock could not make them wrong.
 */
final class BatchWriter {
    /**
     * An edit applies only over an older or the same version of the message, so an edit applied late (a worker that
     * stalled past its lease) never reverts a newer one; re-applying the same write rewrites the same values. It
     * never lowers updated_at: an edit the write path dated without seeing an earlier one already stored (from a
     * server whose clock is ahead, or from before edits were dated in order) keeps the earlier one's later time, so
     * a message's time never goes backwards across its edits. Keyed by the primary key: it locks that one row
     * (MySqlExplainTest checks the plan).
     */
    static final String EDIT = "UPDATE messages SET body = ?, updated_at = GREATEST(updated_at, ?), version = ?"
            + " WHERE id = ? AND version <= ?";

    private BatchWriter() {}

    /**
     * Applies the writes, raising the version mark of {@code shard} ({@link VersionMarks}) to the highest version they
     * store; returns the creates left out because another write holds their key.
     */
    static Displaced apply(Handle handle, List<Write> writes, int shard) {
        Set<String> tokens = new LinkedHashSet<>();
        writes.forEach(write -> tokens.add(write.token()));
        Map<String, Long> applications = KeyLookups.applicationIds(handle, tokens);
        if (applications.isEmpty()) {
            return Displaced.NONE;
        }
        Set<ChatKey> named = new HashSet<>();
        Set<ChatKey> created = new HashSet<>();
        for (Write write : writes) {
            Long applicationId = applications.get(write.token());
            if (applicationId != null) {
                ChatKey chat = new ChatKey(applicationId, write.chatNumber());
                named.add(chat);
                if (write instanceof Write.ChatCreated) {
                    created.add(chat);
                }
            }
        }
        Map<ChatKey, Long> chatIds = KeyLookups.chatIds(handle, named);
        created.removeAll(chatIds.keySet());
        if (!created.isEmpty()) {
            // Chats to create: lock their applications, then look again for what a batch before us created.
            KeyLookups.lock(
                    handle,
                    "applications",
                    created.stream().map(ChatKey::applicationId).toList());
            chatIds.putAll(KeyLookups.chatIds(handle, created));
        }
        KeyLookups.lock(handle, "chats", chatIds.values());
        Map<MessageKey, Long> messageIds =
                KeyLookups.messageIds(handle, BatchPlan.messageKeys(writes, applications, chatIds.keySet()), chatIds);
        BatchPlan plan = BatchPlan.of(
                writes,
                applications,
                chatIds.keySet(),
                messageIds,
                stored(handle, writes, applications, chatIds, messageIds));

        Map<Long, Long> chatsAdded = Inserts.chats(handle, plan);
        Set<ChatKey> receiving = new HashSet<>(plan.messagesPerChat().keySet());
        receiving.removeAll(chatIds.keySet());
        chatIds.putAll(KeyLookups.chatIds(handle, receiving));
        Map<Long, Long> messagesAdded = Inserts.messages(handle, plan, chatIds);
        updateEdits(handle, plan);
        // Counts last and in id order; the rows are locked already, by the lock statements or by the inserts.
        addCounts(handle, "chats", "messages_count", messagesAdded);
        addCounts(handle, "applications", "chats_count", chatsAdded);
        // Last of the rows it locks; a row per shard, so drainers of different shards never wait for one another here.
        VersionMarks.raise(handle, shard, plan.highestVersion());
        return plan.displaced();
    }

    /**
     * What the store holds of the keys that creates name and that exist: read only then, which is rare (a batch
     * delivered again, or numbers given again), so a batch of new rows reads nothing more.
     */
    private static BatchPlan.Stored stored(
            Handle handle,
            List<Write> writes,
            Map<String, Long> applications,
            Map<ChatKey, Long> chatIds,
            Map<MessageKey, Long> messageIds) {
        Map<ChatKey, Long> existingChats = new HashMap<>();
        Set<Long> existingMessages = new HashSet<>();
        for (Write write : writes) {
            Long applicationId = applications.get(write.token());
            if (applicationId == null) {
                continue;
            }
            ChatKey chat = new ChatKey(applicationId, write.chatNumber());
            if (write instanceof Write.ChatCreated && chatIds.containsKey(chat)) {
                existingChats.put(chat, chatIds.get(chat));
            } else if (write instanceof Write.MessageCreated created) {
                Long id = messageIds.get(new MessageKey(chat, created.messageNumber()));
                if (id != null) {
                    existingMessages.add(id);
                }
            }
        }
        if (existingChats.isEmpty() && existingMessages.isEmpty()) {
            return BatchPlan.Stored.NOTHING;
        }
        return new BatchPlan.Stored(
                existingMessages.isEmpty() ? Map.of() : KeyLookups.messagesCreatedAt(handle, existingMessages),
                existingChats.isEmpty() ? Map.of() : KeyLookups.chatsCreatedAt(handle, existingChats));
    }

    private static void updateEdits(Handle handle, BatchPlan plan) {
        PreparedBatch batch = handle.prepareBatch(EDIT);
        plan.edits
                .values()
                .forEach(edit -> batch.add(
                        edit.body(), Rows.micros(edit.at()), edit.version(), edit.messageId(), edit.version()));
        execute(batch);
    }

    /**
     * Adds to {@code column} of each row in one statement per {@link KeyLookups#KEYS_PER_STATEMENT} rows, {@code SET
     * column = CASE id WHEN ? THEN column + ? ... END WHERE id IN (...)}, rather than a JDBC batch of one UPDATE per
     * row: Connector/J sends such a batch as a multi-statement text built anew for every batch size, between two
     * round trips that switch multi-statements on and off, which took a third of a persist worker's CPU with
     * creates spread over many chats. Padded like the lookups ({@link KeyLookups#padded}) so the text recurs: a
     * repeated pair changes its row once (the row matches once; CASE takes the first WHEN).
     */
    static void addCounts(Handle handle, String table, String column, Map<Long, Long> addedById) {
        List<Long> ids = new TreeMap<>(addedById)
                .entrySet().stream()
                        .filter(entry -> entry.getValue() > 0)
                        .map(Map.Entry::getKey)
                        .toList();
        for (int from = 0; from < ids.size(); from += KeyLookups.KEYS_PER_STATEMENT) {
            List<Object> pairs = new ArrayList<>();
            for (Long id : ids.subList(from, Math.min(ids.size(), from + KeyLookups.KEYS_PER_STATEMENT))) {
                pairs.add(id);
                pairs.add(addedById.get(id));
            }
            List<Object> padded = KeyLookups.padded(pairs, 2);
            int rows = padded.size() / 2;
            List<Object> binds = new ArrayList<>(padded);
            for (int i = 0; i < padded.size(); i += 2) {
                binds.add(padded.get(i));
            }
            String sql = "UPDATE " + table + " SET " + column + " = CASE id"
                    + (" WHEN ? THEN " + column + " + ?").repeat(rows)
                    + " END WHERE id IN " + KeyLookups.inList(rows, 1);
            PositionalStatements.update(handle, sql, binds);
        }
    }

    private static void execute(PreparedBatch batch) {
        if (batch.size() > 0) {
            batch.execute();
        }
    }
}
