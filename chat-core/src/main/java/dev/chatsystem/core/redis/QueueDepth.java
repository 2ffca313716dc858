package dev.chatsystem.core.redis;

import dev.chatsystem.core.QueueBacklog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;

/** How far the store is behind one shard stream. */
final class QueueDepth {
    private QueueDepth() {}

    /** {@link #unpersisted(UnifiedJedis, String)} summed over every shard. */
    static long unpersisted(UnifiedJedis redis, RedisKeys keys) {
        long total = 0;
        for (int shard = 0; shard < keys.shards(); shard++) {
            total += unpersisted(redis, keys.stream(shard));
        }
        return total;
    }

    /** {@link #lastId} of every shard, as strings, in shard order. */
    static List<String> lastIds(UnifiedJedis redis, RedisKeys keys) {
        List<String> lastIds = new ArrayList<>(keys.shards());
        for (int shard = 0; shard < keys.shards(); shard++) {
            lastIds.add(lastId(redis, keys.stream(shard)).toString());
        }
        return lastIds;
    }

    /** {@link #storedUpTo(UnifiedJedis, String, StreamEntryID)} for every shard {@code lastIds} names. */
    static boolean storedUpTo(UnifiedJedis redis, RedisKeys keys, List<String> lastIds) {
        for (int shard = 0; shard < Math.min(keys.shards(), lastIds.size()); shard++) {
            if (!storedUpTo(redis, keys.stream(shard), new StreamEntryID(lastIds.get(shard)))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #backlog(UnifiedJedis, String, int, long)} of every shard. */
    static List<QueueBacklog> backlog(UnifiedJedis redis, RedisKeys keys, long nowMillis) {
        List<QueueBacklog> backlog = new ArrayList<>();
        for (int shard = 0; shard < keys.shards(); shard++) {
            backlog.addAll(backlog(redis, keys.stream(shard), shard, nowMillis));
        }
        return backlog;
    }

    /**
     * Entries not yet acknowledged by the persisting group: pending plus lag (Redis 7 reports the lag per group).
     * Falls back to the stream length when the group does not exist yet or its lag is unknown.
     */
    static long unpersisted(UnifiedJedis redis, String stream) {
        if (!redis.exists(stream)) {
            return 0;
        }
        try {
            for (StreamGroupInfo group : redis.xinfoGroups(stream)) {
                if (StreamWorkers.PERSIST.equals(group.getName())) {
                    Object lag = group.getGroupInfo().get("lag");
                    if (lag instanceof Long known) {
                        return group.getPending() + undelivered(redis, stream, group, known);
                    }
                }
            }
        } catch (JedisDataException e) {
            // not a stream or no groups: fall through to the length
        }
        return redis.xlen(stream);
    }

    /**
     * The backlog of each consumer group (persist, index) of one shard stream. The age of the oldest entry comes from
     * its id, which Redis stamps with its clock in milliseconds when the create is queued: the oldest pending entry
     * when the group has some, else the first entry after the group's last delivered one. A group that does not
     * exist yet is reported as the whole stream.
     */
    static List<QueueBacklog> backlog(UnifiedJedis redis, String stream, int shard, long nowMillis) {
        List<QueueBacklog> backlog = new ArrayList<>(2);
        if (!redis.exists(stream)) {
            backlog.add(new QueueBacklog(shard, QueueBacklog.PERSIST, 0, Duration.ZERO));
            backlog.add(new QueueBacklog(shard, QueueBacklog.INDEX, 0, Duration.ZERO));
            return backlog;
        }
        List<StreamGroupInfo> groups = redis.xinfoGroups(stream);
        for (String name : List.of(StreamWorkers.PERSIST, StreamWorkers.INDEX)) {
            StreamGroupInfo group = groups.stream()
                    .filter(g -> name.equals(g.getName()))
                    .findFirst()
                    .orElse(null);
            backlog.add(groupBacklog(redis, stream, shard, name, group, nowMillis));
        }
        return backlog;
    }

    private static QueueBacklog groupBacklog(
            UnifiedJedis redis, String stream, int shard, String name, StreamGroupInfo group, long nowMillis) {
        long entries;
        if (group == null) {
            entries = redis.xlen(stream);
        } else {
            Object lag = group.getGroupInfo().get("lag");
            entries = group.getPending() + (lag instanceof Long known ? undelivered(redis, stream, group, known) : 0);
        }
        StreamEntryID oldest = oldest(redis, stream, name, group);
        Duration age = oldest == null ? Duration.ZERO : Duration.ofMillis(Math.max(0, nowMillis - oldest.getTime()));
        return new QueueBacklog(shard, name, entries, age);
    }

    /**
     * The oldest entry the group has not acknowledged: its oldest pending entry, else the first after its last
     * delivered one, else (no such group yet) the stream's first; null when there is none.
     */
    private static StreamEntryID oldest(UnifiedJedis redis, String stream, String name, StreamGroupInfo group) {
        if (group == null) {
            return first(redis, stream, "-");
        }
        if (group.getPending() > 0) {
            // Read after the group info: a group that acknowledged everything meanwhile has nothing pending, and has
            // not read past what follows its last delivered entry then, as far as the info tells (StreamTrimmer too).
            StreamEntryID oldestPending = redis.xpending(stream, name).getMinId();
            if (oldestPending != null) {
                return oldestPending;
            }
        }
        return first(redis, stream, "(" + group.getLastDeliveredId());
    }

    /** The id of the last entry the stream was given ("0-0" for none). */
    static StreamEntryID lastId(UnifiedJedis redis, String stream) {
        if (!redis.exists(stream)) {
            return new StreamEntryID(0, 0);
        }
        return redis.xinfoStream(stream).getLastGeneratedId();
    }

    /** Whether the persisting group has acknowledged every entry up to {@code upTo}, so the store has them. */
    static boolean storedUpTo(UnifiedJedis redis, String stream, StreamEntryID upTo) {
        if (upTo.getTime() == 0 && upTo.getSequence() == 0) {
            return true;
        }
        if (!redis.exists(stream)) {
            return true; // nothing queued (a stream lost with Redis' data cannot be waited for)
        }
        StreamGroupInfo group = redis.xinfoGroups(stream).stream()
                .filter(g -> StreamWorkers.PERSIST.equals(g.getName()))
                .findFirst()
                .orElse(null);
        StreamEntryID oldest = oldest(redis, stream, StreamWorkers.PERSIST, group);
        return oldest == null || oldest.compareTo(upTo) > 0;
    }

    /**
     * The group's lag, unless nothing follows its last delivered entry: Redis derives the lag from counters that can
     * be one off (seen after a group was created on a stream that already had an entry), and a backlog of 1 that never
     * drains would keep anyone waiting for an empty queue waiting for ever.
     */
    private static long undelivered(UnifiedJedis redis, String stream, StreamGroupInfo group, long lag) {
        if (lag == 0 || first(redis, stream, "(" + group.getLastDeliveredId()) != null) {
            return lag;
        }
        return 0;
    }

    private static StreamEntryID first(UnifiedJedis redis, String stream, String from) {
        List<StreamEntry> entries = redis.xrange(stream, from, "+", 1);
        return entries.isEmpty() ? null : entries.get(0).getID();
    }
}
