package dev.chatsystem.core.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full rebuild into a new index beside the one searches and writes go to, which it then replaces in one step: the
 * configured name becomes an alias of the new index ({@code <name>-gen-<millis>}), and the old index (a concrete
 * index of that name, or the alias' index of the rebuild before) is deleted in the same request. Searches keep finding
 * every message meanwhile, and documents the store no longer backs are gone afterwards.
 *
 * <p>Writes do not stop: the queue workers of every process keep indexing into the old index while the new one is
 * filled from the store. {@link #complete} copies what they wrote since the start ({@link NewWritesCopy}), read from
 * each shard of the old index by sequence number (every operation on a shard gets the next one), first while they go
 * on, then once more after a write block on the old index has let the operations in flight finish; the writes refused
 * by the block fail and are retried by the workers, which reach the new index once the alias points there. Copies
 * carry their versions, so a copy never reverts a newer body the fill read from the store, nor the reverse.
 *
 * <p>Two full rebuilds of one index must not run at once (the reindex holds a {@link
 * dev.chatsystem.core.spi.JobLock} for that): each starts by deleting what an interrupted one left (new
 * indexes behind no alias), and a rebuild whose old index was replaced meanwhile fails rather than swap. Either way
 * the alias keeps pointing at a complete index. So that a rebuild whose lock was lost while it completes (another may
 * have started) does not swap either, {@link #complete} asks the lock before it blocks writes and before it swaps.
 */
final class AliasSwapRebuild implements IndexRebuild {
    private static final Logger LOG = LoggerFactory.getLogger(AliasSwapRebuild.class);
    /** Between the configured name and the start time in a new index's name. */
    static final String GENERATION = "-gen-";
    /** The mapping's {@code _meta} entries of an index a rebuild created: whose, and which rebuild's. */
    static final String REBUILD_OF_KEY = "chat_rebuild_of";

    static final String REBUILD_ID_KEY = "chat_rebuild_id";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ElasticsearchSearchIndex index;
    private final String alias;
    private final String target;
    private final String rebuildId;
    /** The old indexes and their numbers of shards. */
    private final Map<String, Integer> olds;
    /** What the workers write to the old indexes meanwhile, copied into the new one as it completes. */
    private final NewWritesCopy newWrites;

    private boolean completed;
    private boolean closed;

    private AliasSwapRebuild(
            ElasticsearchSearchIndex index,
            String alias,
            String target,
            String rebuildId,
            Map<String, Integer> olds,
            NewWritesCopy newWrites) {
        this.index = index;
        this.alias = alias;
        this.target = target;
        this.rebuildId = rebuildId;
        this.olds = olds;
        this.newWrites = newWrites;
    }

    /**
     * Deletes what an interrupted rebuild of {@code alias} left, notes where each shard of the index in use stands,
     * and creates the new index (refreshed only when complete: nothing searches it before).
     */
    static AliasSwapRebuild start(ElasticsearchSearchIndex index, IndexCreator creator, String alias) {
        Map<String, Integer> current = IndexReads.concreteIndices(index, alias);
        deleteLeftovers(index, alias, current.keySet());
        NewWritesCopy newWrites = NewWritesCopy.from(index, current);
        String target = alias + GENERATION + System.currentTimeMillis();
        String rebuildId = UUID.randomUUID().toString();
        index.call("create index " + target, () -> {
            creator.createRebuildTarget(target, Map.of(REBUILD_OF_KEY, alias, REBUILD_ID_KEY, rebuildId));
            return null;
        });
        LOG.info("full reindex into {}; searches read {} until it completes", target, current.keySet());
        return new AliasSwapRebuild(index, alias, target, rebuildId, current, newWrites);
    }

    /** Searches and writes keep the old index until the swap. */
    @Override
    public boolean keepsIndexWhole() {
        return true;
    }

    @Override
    public void upsert(List<IndexedMessage> messages) {
        requireOpen();
        index.indexInto(target, messages, "false");
    }

    /**
     * Copies what was indexed meanwhile, makes the new index searchable, then blocks writes to the old ones for the
     * last copy and the swap. A failure lifts the blocks this rebuild added, unless the swap took effect (its answer
     * lost). Fails, as the port says, once {@code lockLost} before the block or the swap, and
     * during the wait for the old index's copies to settle.
     */
    @Override
    public void complete(BooleanSupplier lockLost) {
        requireOpen();
        newWrites.copyInto(target, false, lockLost);
        ObjectNode refresh = JSON.objectNode();
        refresh.putObject("index").put("refresh_interval", IndexCreator.REFRESH_INTERVAL);
        send("PUT", "/" + target + "/_settings", refresh);
        send("POST", "/" + target + "/_refresh", null);
        requireUnchanged(); // before blocking: a rebuild that cannot swap must not touch another's blocks
        IndexRebuild.requireLockHeld(lockLost, "blocking writes to " + olds.keySet());
        // What this rebuild may unblock after a failure: also a block whose answer was lost.
        Set<String> blockedHere = new TreeSet<>(olds.keySet());
        blockedHere.removeAll(writeBlocked());
        try {
            block();
            newWrites.copyInto(target, true, lockLost);
            send("POST", "/" + target + "/_refresh", null); // what the last copy brought, visible at the swap
            requireUnchanged();
            requireStillBlocked();
            IndexRebuild.requireLockHeld(lockLost, "the swap");
            swap();
        } catch (RuntimeException e) {
            if (IndexReads.aliased(index, target).orElse(false)) {
                LOG.warn("the reindex's swap was answered with a failure but took effect: {}", e.toString());
            } else {
                unblock(blockedHere, e);
                throw e;
            }
        }
        completed = true;
        LOG.info("full reindex complete: {} is now {}", alias, target);
        index.rebuilt();
    }

    /**
     * Deletes the new index unless the rebuild completed, or an alias leads to it (the swap took effect), or that
     * cannot be known now (the next full reindex deletes it if it is a leftover).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (completed) {
            return;
        }
        try {
            if (IndexReads.aliased(index, target).equals(Optional.of(false))) {
                send("DELETE", "/" + target, null);
            }
        } catch (BackendUnavailableException e) {
            LOG.warn(
                    "cannot delete {} of an abandoned reindex (the next full reindex does): {}",
                    target,
                    e.getMessage());
        }
    }

    /**
     * Blocks writes to the old indexes, which Elasticsearch answers once the writes in flight have finished; fails
     * unless every one of them is blocked now (one blocked already, by a reindex that did not finish, is not in the
     * answer).
     */
    private void block() {
        JsonNode answer = send("PUT", "/" + String.join(",", olds.keySet()) + "/_block/write", null);
        Set<String> blocked = new TreeSet<>();
        for (JsonNode blockedIndex : answer.path("indices")) {
            if (blockedIndex.path("blocked").asBoolean()) {
                blocked.add(blockedIndex.path("name").asText());
            }
        }
        if (!blocked.equals(olds.keySet())) {
            blocked.addAll(writeBlocked());
        }
        if (!answer.path("acknowledged").asBoolean() || !blocked.equals(olds.keySet())) {
            throw new BackendUnavailableException("search index: cannot block writes to " + olds.keySet()
                    + " for the reindex's last copy: " + answer);
        }
    }

    /**
     * Fails unless every old index still refuses writes: one whose block was lifted during the last copy (by a rebuild
     * that lost its lock and gave up) may hold writes the copy did not see, so the new index must not replace it.
     */
    private void requireStillBlocked() {
        Set<String> blocked = writeBlocked();
        if (!blocked.equals(olds.keySet())) {
            throw new BackendUnavailableException("search index: writes to " + olds.keySet()
                    + " were let through again during the reindex's last copy (blocked now: " + blocked
                    + "), so the new index may miss some: run the full reindex again");
        }
    }

    /** Those of the old indexes that refuse writes now. */
    private Set<String> writeBlocked() {
        String names = String.join(",", olds.keySet());
        return index.call("read the blocks of " + names, () -> IndexReads.writeBlocked(index.rest(), names));
    }

    /** Fails when the name no longer leads to the indexes this rebuild started from, or the new index is not ours. */
    private void requireUnchanged() {
        Set<String> now = IndexReads.concreteIndices(index, alias).keySet();
        if (!now.equals(olds.keySet())) {
            throw new BackendUnavailableException("search index: " + alias + " changed during the reindex (it leads to "
                    + now + ", not " + olds.keySet() + "): did another full reindex run? Run it again");
        }
        JsonNode meta = send("GET", "/" + target + "/_mapping", null)
                .path(target)
                .path("mappings")
                .path("_meta");
        if (!rebuildId.equals(meta.path(REBUILD_ID_KEY).asText())) {
            throw new BackendUnavailableException(
                    "search index: " + target + " was deleted or replaced during the reindex: run it again");
        }
    }

    /** One request: the name becomes an alias of the new index, and the old indexes go. */
    private void swap() {
        ObjectNode body = JSON.objectNode();
        var actions = body.putArray("actions");
        actions.addObject().putObject("add").put("index", target).put("alias", alias);
        for (String old : olds.keySet()) {
            actions.addObject().putObject("remove_index").put("index", old);
        }
        send("POST", "/_aliases", body);
    }

    /**
     * Lets the workers write again, after a failure, to the old indexes this rebuild may have blocked (those that were
     * not blocked before it tried); a failure of that too is added to {@code e}. Also once the lock is lost: left in
     * place, a block would hold up indexing until someone ran a full reindex, and a rebuild that took the lock since
     * and is in its own last copy does not swap once its block is gone ({@link #requireStillBlocked}).
     */
    private void unblock(Set<String> blockedHere, RuntimeException e) {
        if (blockedHere.isEmpty()) {
            return;
        }
        ObjectNode settings = JSON.objectNode();
        settings.putObject("index").putObject("blocks").put("write", false);
        try {
            send("PUT", "/" + String.join(",", blockedHere) + "/_settings", settings);
        } catch (RuntimeException failed) {
            e.addSuppressed(failed);
        }
    }

    private void requireOpen() {
        if (closed || completed) {
            throw new IllegalStateException("the rebuild of " + target + " is over");
        }
    }

    private JsonNode send(String method, String endpoint, JsonNode body) {
        return IndexReads.send(index, method, endpoint, body);
    }

    /**
     * Deletes the indexes an earlier rebuild of {@code alias} created and never swapped in: those recording it, not
     * among {@code current}, and with no alias (one another rebuild swapped in since {@code current} was read has).
     */
    private static void deleteLeftovers(ElasticsearchSearchIndex index, String alias, Set<String> current) {
        JsonNode found = IndexReads.send(
                index,
                "GET",
                "/" + alias + GENERATION + "*?filter_path=*.mappings._meta,*.aliases&expand_wildcards=open,closed",
                null);
        for (Iterator<String> names = found.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            JsonNode meta = found.path(name).path("mappings").path("_meta");
            boolean aliased = !found.path(name).path("aliases").isEmpty();
            if (!current.contains(name)
                    && !aliased
                    && alias.equals(meta.path(REBUILD_OF_KEY).asText())) {
                LOG.warn("deleting {}, left by a full reindex of {} that did not complete", name, alias);
                IndexReads.send(index, "DELETE", "/" + name, null);
            }
        }
    }
}
