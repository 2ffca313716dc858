package dev.chatsystem.core.redis;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The key layout. Every key of an application carries the hash tag of its shard, <code>{chat:s&lt;n&gt;}</code>, so
 * the script of one create touches one Redis Cluster slot, and all writes of an application go to one stream in
 * acceptance order (which keeps per-chat order).
 *
 * <ul>
 *   <li>{@code …:n:<token>} hash: {@code c} = last chat number, {@code m:<chat>} = last message number of a chat
 *   <li>{@code …:p:<token>} hash: writes accepted but not yet persisted, for read-your-writes
 *   <li>{@code …:writes} stream: the queue of the shard
 *   <li>{@code …:i:<scope>:<key>} string with a TTL: an idempotent create's fingerprint, number and time
 *   <li>{@code …:lease:<group>} string: which worker instance drains the shard for a consumer group
 *   <li>{@code …:persisted} string {@code ms-seq}: the highest stream entry id of the shard the persist workers
 *       stored, as far as they recorded it (a copy of the store's mark, raised first)
 *   <li>{@code …:reseed:<run>} string with a TTL: how many writes a reseed made on the shard, until it raises the mark
 *   <li><code>{chat:s0}:job:&lt;job&gt;</code> string with a TTL: which instance last ran a periodic job, held for
 *       its period
 *   <li><code>{chat:s0}:config:shards</code> string: the number of shards every process on this Redis uses
 *   <li><code>{chat:s0}:lock:&lt;job&gt;</code> string with a TTL: the holder of a long job's lock (a full reindex,
 *       a reseed after Redis came back behind the store), renewed while it runs
 *   <li><code>{chat:s0}:catch-up</code> string: an index catch-up owed since a queue was found missing, until a pass
 *       that started after it ends
 * </ul>
 */
final class RedisKeys {
    private final int shards;

    RedisKeys(int shards) {
        this.shards = shards;
    }

    int shards() {
        return shards;
    }

    int shardOf(String token) {
        CRC32 crc = new CRC32();
        crc.update(token.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % shards);
    }

    String counters(String token) {
        return tag(shardOf(token)) + ":n:" + token;
    }

    String pending(String token) {
        return pending(shardOf(token), token);
    }

    /**
     * The pending hash under the tag of the shard whose stream an entry was read from: the one the script that queued
     * it wrote, even when that process spread applications over another number of shards than the reader.
     */
    String pending(int shard, String token) {
        return tag(shard) + ":p:" + token;
    }

    String stream(String token) {
        return stream(shardOf(token));
    }

    String stream(int shard) {
        return tag(shard) + ":writes";
    }

    /** The record of an idempotent create; {@code scope} already names the application. */
    String idempotency(String token, String scope, String key) {
        return tag(shardOf(token)) + ":i:" + scope + ":" + key;
    }

    String lease(int shard, String group) {
        return tag(shard) + ":lease:" + group;
    }

    /** A periodic job's lease; jobs span every shard, so they live under shard 0's tag. */
    String job(String job) {
        return tag(0) + ":job:" + job;
    }

    /** The number of shards the first process to connect recorded, which every other must use too. */
    String shardCount() {
        return tag(0) + ":config:shards";
    }

    /**
     * Redis' copy of the shard's persisted mark ({@link PersistedMark}): raised before the store's, so that one below
     * the store's means Redis lost writes the store holds ({@link LostWritesCheck}).
     */
    String persisted(int shard) {
        return tag(shard) + ":persisted";
    }

    /** The count of a reseed's writes on the shard ({@link ReseedTally}), under the tag of the keys it writes. */
    String reseedTally(int shard, String run) {
        return tag(shard) + ":reseed:" + run;
    }

    /** A long job's lock; like jobs, under shard 0's tag. */
    String lock(String job) {
        return tag(0) + ":lock:" + job;
    }

    /** The record of an index catch-up owed ({@link IndexCatchUp}); under shard 0's tag, like jobs. */
    String catchUp() {
        return tag(0) + ":catch-up";
    }

    static String chatField(long chatNumber) {
        return "c:" + chatNumber;
    }

    static String messageField(long chatNumber, long messageNumber) {
        return "m:" + chatNumber + ":" + messageNumber;
    }

    private static String tag(int shard) {
        return "{chat:s" + shard + "}";
    }
}
