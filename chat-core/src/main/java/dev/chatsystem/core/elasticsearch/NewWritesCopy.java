package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Request;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;

/**
 * What the queue workers wrote into the old indexes while a full rebuild ({@link AliasSwapRebuild}) filled the new one,
 * copied there: read from each shard of an old index by sequence number (every operation on a shard gets the next
 * one), from where the shard stood when the rebuild started. Copies carry their versions, so a copy never reverts a
 * newer body the fill read from the store, nor the reverse. Not thread-safe: one rebuild's.
 */
final class NewWritesCopy {
    /**
     * Documents per read of the copy. Their bodies come back whole from {@code _source}, escaped: 1,000 bodies near the
     * 64 KB limit made a response of 65 MB (and six times that for control characters, past the client's 100 MB
     * buffer), where every other batch of the system is bounded to a few MB. 100 such bodies stay under 40 MB.
     */
    static final int COPY_BATCH = 100;

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ElasticsearchSearchIndex index;
    /** The old indexes and their numbers of shards. */
    private final Map<String, Integer> olds;
    /** Per old index and shard, the sequence number up to which its operations are in the new index. */
    private final Map<String, Map<Integer, Long>> copied;

    private NewWritesCopy(
            ElasticsearchSearchIndex index, Map<String, Integer> olds, Map<String, Map<Integer, Long>> copied) {
        this.index = index;
        this.olds = olds;
        this.copied = copied;
    }

    /**
     * Notes where each shard of the {@code olds} (names and numbers of shards) stands now: the copy brings what is
     * written to them after.
     */
    static NewWritesCopy from(ElasticsearchSearchIndex index, Map<String, Integer> olds) {
        Map<String, Map<Integer, Long>> copied = new HashMap<>();
        for (Map.Entry<String, Integer> old : olds.entrySet()) {
            Map<Integer, Long> shards = new HashMap<>();
            IndexReads.primaryShards(index, old.getKey(), old.getValue())
                    .forEach((shard, seqNo) -> shards.put(shard, seqNo.globalCheckpoint()));
            copied.put(old.getKey(), shards);
        }
        return new NewWritesCopy(index, olds, copied);
    }

    /**
     * Copies into the new index, {@code target}, every operation on the old ones since the last copy. With {@code
     * settled}, first waits until every copy of each shard has taken all of its operations (after the write block,
     * nothing adds any), failing once {@code lockLost}; otherwise copies up to the point they all have.
     */
    void copyInto(String target, boolean settled, BooleanSupplier lockLost) {
        for (Map.Entry<String, Map<Integer, Long>> old : copied.entrySet()) {
            int shardCount = olds.get(old.getKey());
            Map<Integer, IndexReads.SeqNo> shards = settled
                    ? settledShards(old.getKey(), shardCount, lockLost)
                    : IndexReads.primaryShards(index, old.getKey(), shardCount);
            send("POST", "/" + old.getKey() + "/_refresh", null);
            for (Map.Entry<Integer, IndexReads.SeqNo> shard : shards.entrySet()) {
                long from = old.getValue().getOrDefault(shard.getKey(), -1L);
                long to = shard.getValue().globalCheckpoint();
                if (to > from) {
                    copy(target, old.getKey(), shard.getKey(), from, to);
                    old.getValue().put(shard.getKey(), to);
                }
            }
        }
    }

    /** Waits for the copies of {@code old}'s shards; fails as soon as the lock is lost rather than wait on for it. */
    private Map<Integer, IndexReads.SeqNo> settledShards(String old, int shardCount, BooleanSupplier lockLost) {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (true) {
            IndexRebuild.requireLockHeld(lockLost, "its last copy");
            Map<Integer, IndexReads.SeqNo> shards = IndexReads.primaryShards(index, old, shardCount);
            if (shards.values().stream().allMatch(s -> s.globalCheckpoint() >= s.maxSeqNo())) {
                return shards;
            }
            if (System.nanoTime() > deadline) {
                throw new BackendUnavailableException("search index: the copies of " + old + " did not catch up with"
                        + " its primaries within " + SETTLE_TIMEOUT.toSeconds() + " s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendUnavailableException("interrupted while the reindex waited for " + old, e);
            }
        }
    }

    /**
     * Copies into {@code target} the documents whose last operation on {@code shard} of {@code old} is in (from, to].
     */
    private void copy(String target, String old, int shard, long from, long to) {
        long after = from;
        while (true) {
            ObjectNode body = JSON.objectNode();
            body.put("size", COPY_BATCH);
            body.put("version", true);
            body.put("track_total_hits", false);
            ObjectNode range = body.putObject("query").putObject("range").putObject("_seq_no");
            range.put("gt", after);
            range.put("lte", to);
            body.putArray("sort").addObject().put("_seq_no", "asc");
            body.putArray("_source")
                    .add(MessageDocuments.TOKEN)
                    .add(MessageDocuments.CHAT)
                    .add(MessageDocuments.NUMBER)
                    .add(MessageDocuments.BODY);
            Request request = new Request("POST", "/" + old + "/_search");
            request.addParameter("preference", "_shards:" + shard);
            request.setEntity(new StringEntity(body.toString(), ContentType.APPLICATION_JSON));
            JsonNode hits = index.call(
                            "read " + old, () -> ClientCalls.json(index.rest().performRequest(request)))
                    .path("hits")
                    .path("hits");
            List<IndexedMessage> messages = new ArrayList<>(hits.size());
            for (JsonNode hit : hits) {
                messages.add(message(hit));
                after = hit.path("sort").path(0).asLong();
            }
            index.indexInto(target, messages, "false");
            if (hits.size() < COPY_BATCH) {
                return;
            }
        }
    }

    /**
     * The message a document holds. Its body was normalized for indexing ({@code QueryWords.normalized}), which
     * indexing the body again leaves as it is.
     */
    private static IndexedMessage message(JsonNode hit) {
        JsonNode source = hit.path("_source");
        String chat = source.path(MessageDocuments.CHAT).asText();
        return new IndexedMessage(
                source.path(MessageDocuments.TOKEN).asText(),
                Long.parseLong(chat.substring(chat.lastIndexOf('/') + 1)),
                source.path(MessageDocuments.NUMBER).asLong(),
                source.path(MessageDocuments.BODY).asText(),
                hit.path("_version").asLong());
    }

    private JsonNode send(String method, String endpoint, JsonNode body) {
        return IndexReads.send(index, method, endpoint, body);
    }
}
