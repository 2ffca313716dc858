package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.testing.RedisDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingSummary;

/** The trimmer against the real Redis: it never trims what a group has not read and acknowledged. */
class StreamTrimmerTest {
    private static final String STREAM = "{trim:s0}:writes";

    @RegisterExtension
    final RedisDatabase redis = new RedisDatabase(9);

    @Test
    void keepsWhatTheSlowerGroupHasNotReadWhenItAcknowledgesWhileTheTrimmerLooks() {
        for (int i = 0; i < 10; i++) {
            redis.client().xadd(STREAM, XAddParams.xAddParams(), Map.of("n", Integer.toString(i)));
        }
        redis.client().xgroupCreate(STREAM, "persist", new StreamEntryID(0, 0), false);
        redis.client().xgroupCreate(STREAM, "index", new StreamEntryID(0, 0), false);
        acknowledge("persist", read("persist", 10)); // ahead: has everything
        List<StreamEntryID> indexing = read("index", 5); // behind: five read, not acknowledged yet

        try (UnifiedJedis racing = new AcknowledgingFirst(redis, () -> acknowledge("index", indexing))) {
            new StreamTrimmer(racing, STREAM, 2).trim();
        }

        assertThat(redis.client().xlen(STREAM)).isEqualTo(5); // the five the index group has yet to read
    }

    private List<StreamEntryID> read(String group, int count) {
        List<Map.Entry<String, List<StreamEntry>>> reply = redis.client()
                .xreadGroup(
                        group,
                        "c",
                        XReadGroupParams.xReadGroupParams().count(count),
                        Map.of(STREAM, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        return reply.get(0).getValue().stream().map(StreamEntry::getID).toList();
    }

    private void acknowledge(String group, List<StreamEntryID> ids) {
        redis.client().xack(STREAM, group, ids.toArray(StreamEntryID[]::new));
    }

    /** A client on the same database whose XPENDING lets {@code first} run just before it, as a worker might. */
    private static final class AcknowledgingFirst extends UnifiedJedis {
        private final Runnable first;

        AcknowledgingFirst(RedisDatabase database, Runnable first) {
            super(new Connection(
                    new HostAndPort(database.url().getHost(), database.url().getPort()),
                    DefaultJedisClientConfig.builder().database(9).build()));
            this.first = first;
        }

        @Override
        public StreamPendingSummary xpending(String key, String groupName) {
            first.run();
            return super.xpending(key, groupName);
        }
    }
}
