package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.testing.Services;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/** Queue depth from a real Redis's stream and group counters. */
class QueueDepthTest {
    private static final URI REDIS = Services.requireRedis().resolve("/7"); // a database of its own, flushed per test
    private static final String STREAM = "{t}:writes";

    private RedisClient redis;

    @BeforeEach
    void connect() {
        redis = RedisClient.create(REDIS);
        redis.flushDB();
    }

    @AfterEach
    void disconnect() {
        redis.flushDB();
        redis.close();
    }

    @Test
    void countsWhatFollowsTheLastDeliveredEntryAndWhatIsPending() {
        List<StreamEntryID> ids = add(5);
        group(StreamWorkers.PERSIST, ids.get(1), 2);
        group(StreamWorkers.INDEX, ids.get(3), 4);

        assertThat(QueueDepth.unpersisted(redis, STREAM)).isEqualTo(3);
        assertThat(QueueDepth.backlog(redis, STREAM, 0, ids.get(4).getTime()))
                .extracting(QueueBacklog::stage, QueueBacklog::entries)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(QueueBacklog.PERSIST, 3L),
                        org.assertj.core.groups.Tuple.tuple(QueueBacklog.INDEX, 1L));
    }

    @Test
    void aLagThatRedisCountsOneTooHighIsNotABacklogWhenNothingFollows() {
        // Redis derives a group's lag from counters (entries added minus entries read) that can be off; a bench run
        // showed lag 1 on a group whose last delivered entry was the stream's last, so "wait until drained" never
        // ended.
        List<StreamEntryID> ids = add(3);
        group(StreamWorkers.PERSIST, ids.get(2), 2);
        group(StreamWorkers.INDEX, ids.get(2), 2);
        assertThat(redis.xinfoGroups(STREAM).getFirst().getGroupInfo().get("lag"))
                .isEqualTo(1L); // the miscount itself

        assertThat(QueueDepth.unpersisted(redis, STREAM)).isZero();
        assertThat(QueueDepth.backlog(redis, STREAM, 0, ids.get(2).getTime()))
                .extracting(QueueBacklog::entries)
                .containsExactly(0L, 0L);
    }

    private List<StreamEntryID> add(int entries) {
        return java.util.stream.IntStream.range(0, entries)
                .mapToObj(i -> redis.xadd(STREAM, XAddParams.xAddParams(), Map.of("n", Integer.toString(i))))
                .toList();
    }

    /** A group that has read up to {@code lastDelivered} and counted {@code entriesRead} entries, none pending. */
    private void group(String name, StreamEntryID lastDelivered, long entriesRead) {
        redis.xgroupCreate(STREAM, name, lastDelivered, false);
        redis.sendCommand(
                Protocol.Command.XGROUP,
                "SETID",
                STREAM,
                name,
                lastDelivered.toString(),
                "ENTRIESREAD",
                Long.toString(entriesRead));
    }
}
