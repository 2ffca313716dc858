package dev.chatsystem.http.stack;

import dev.chatsystem.core.QueueBacklog;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.StreamGroupInfo;

/**
 * The entries of the shard streams the persist group has not acknowledged: pending (delivered to a worker, maybe
 * being committed) plus undelivered. A worker acknowledges an entry only after MySQL committed it, so these bound what
 * a loss of Redis' data at that moment can lose. Read behind the servers' backs, as chat-core's {@code QueueDepth}
 * reads it (the stream key layout of {@code RedisKeys}).
 */
final class PersistBacklog {
    private PersistBacklog() {}

    /** The backlog over the {@link StackWorld#SHARDS} shard streams now. */
    static long of(UnifiedJedis redis) {
        try (AbstractTransaction transaction = redis.multi()) {
            List<Shard> shards = read(transaction);
            transaction.exec();
            return total(shards);
        }
    }

    /**
     * The backlog, then {@code FLUSHDB}, in one transaction: nothing is queued, persisted or acknowledged between the
     * read and the flush, so the backlog is exactly what the flush can lose (at most: a pending batch may still
     * commit).
     */
    static long flushing(UnifiedJedis redis) {
        try (AbstractTransaction transaction = redis.multi()) {
            List<Shard> shards = read(transaction);
            transaction.sendCommand(Protocol.Command.FLUSHDB, new String[0]);
            transaction.exec();
            return total(shards);
        }
    }

    private static List<Shard> read(AbstractTransaction transaction) {
        List<Shard> shards = new ArrayList<>(StackWorld.SHARDS);
        for (int shard = 0; shard < StackWorld.SHARDS; shard++) {
            String stream = "{chat:s" + shard + "}:writes";
            shards.add(new Shard(transaction.xlen(stream), transaction.xinfoGroups(stream)));
        }
        return shards;
    }

    private static long total(List<Shard> shards) {
        return shards.stream().mapToLong(Shard::unacknowledged).sum();
    }

    /** One shard stream's replies. */
    private record Shard(Response<Long> length, Response<List<StreamGroupInfo>> groups) {
        /**
         * Pending plus lag of the persist group; the stream's length when the group or its lag is unknown (the
         * stream holds every entry not acknowledged by both groups, so never fewer). Redis' lag can be one too high.
         */
        long unacknowledged() {
            List<StreamGroupInfo> infos;
            try {
                infos = groups.get();
            } catch (JedisDataException e) { // no such stream yet
                return length.get();
            }
            for (StreamGroupInfo group : infos) {
                if (QueueBacklog.PERSIST.equals(group.getName())
                        && group.getGroupInfo().get("lag") instanceof Long lag) {
                    return group.getPending() + lag;
                }
            }
            return length.get();
        }
    }
}
