package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.testing.RedisDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/** Queue depth from a real Redis's stream and group counters. */
class QueueDepthTest {
    private static final String STREAM = "{t}:writes";
    private static final int DATABASE = 7;

    @RegisterExtension
    final RedisDatabase database = new RedisDatabase(DATABASE); // a database of its own, flushed around each test

    @Test
    void countsWhatFollowsTheLastDeliveredEntryAndWhatIsPending() {
        List<StreamEntryID> ids = add(5);
        group(StreamWorkers.PERSIST, ids.get(1), 2);
        group(StreamWorkers.INDEX, ids.get(3), 4);

        assertThat(QueueDepth.unpersisted(database.client(), STREAM)).isEqualTo(3);
        assertThat(QueueDepth.backlog(database.client(), STREAM, 0, ids.get(4).getTime()))
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
        assertThat(database.client()
                        .xinfoGroups(STREAM)
                        .getFirst()
                        .getGroupInfo()
                        .get("lag"))
                .isEqualTo(1L); // the miscount itself

        assertThat(QueueDepth.unpersisted(database.client(), STREAM)).isZero();
        assertThat(QueueDepth.backlog(database.client(), STREAM, 0, ids.get(2).getTime()))
                .extracting(QueueBacklog::entries)
                .containsExactly(0L, 0L);
    }

    /**
     * The persist group acknowledges its batch between the read of its info (pending entries) and that of its pending
     * entries (none now): what follows its last delivered entry is not stored yet.
     */
    @Test
    void aBatchAcknowledgedWhileItLooksLeavesWhatFollowsUnstored() {
        List<StreamEntryID> ids = add(6);
        database.client().xgroupCreate(STREAM, StreamWorkers.PERSIST, new StreamEntryID(0, 0), false);
        List<StreamEntryID> batch = database
                .client()
                .xreadGroup(
                        StreamWorkers.PERSIST,
                        "c",
                        XReadGroupParams.xReadGroupParams().count(3),
                        Map.of(STREAM, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY))
                .get(0)
                .getValue()
                .stream()
                .map(StreamEntry::getID)
                .toList();

        try (UnifiedJedis racing = new AcknowledgingFirst(
                () -> database.client().xack(STREAM, StreamWorkers.PERSIST, batch.toArray(StreamEntryID[]::new)))) {
            assertThat(QueueDepth.storedUpTo(racing, STREAM, ids.getLast())).isFalse();
        }
        assertThat(QueueDepth.storedUpTo(database.client(), STREAM, ids.get(2))).isTrue();
    }

    private List<StreamEntryID> add(int entries) {
        return java.util.stream.IntStream.range(0, entries)
                .mapToObj(
                        i -> database.client().xadd(STREAM, XAddParams.xAddParams(), Map.of("n", Integer.toString(i))))
                .toList();
    }

    /** A group that has read up to {@code lastDelivered} and counted {@code entriesRead} entries, none pending. */
    private void group(String name, StreamEntryID lastDelivered, long entriesRead) {
        database.client().xgroupCreate(STREAM, name, lastDelivered, false);
        database.client()
                .sendCommand(
                        Protocol.Command.XGROUP,
                        "SETID",
                        STREAM,
                        name,
                        lastDelivered.toString(),
                        "ENTRIESREAD",
                        Long.toString(entriesRead));
    }

    /** A client on the same database whose XPENDING lets {@code first} run just before it, as a worker might. */
    private final class AcknowledgingFirst extends UnifiedJedis {
        private final Runnable first;

        AcknowledgingFirst(Runnable first) {
            super(new Connection(
                    new HostAndPort(database.url().getHost(), database.url().getPort()),
                    DefaultJedisClientConfig.builder().database(DATABASE).build()));
            this.first = first;
        }

        @Override
        public StreamPendingSummary xpending(String key, String groupName) {
            first.run();
            return super.xpending(key, groupName);
        }
    }
}
