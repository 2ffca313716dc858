package dev.chatsystem.core.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.RedisDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** The shared pipeline against a real Redis: every caller gets its own reply, whatever else shares its round trip. */
class SharedPipelineTest {

    /** Counts a call and answers with the caller's own argument, so a reply handed to the wrong caller shows. */
    private static final Script ECHO_COUNT = new Script("return {ARGV[1], redis.call('INCR', KEYS[1])}");

    private static final Script FAIL_ON_NEGATIVE = new Script(
            "if tonumber(ARGV[1]) < 0 then return redis.error_reply('NEGATIVE') end return tonumber(ARGV[1])");

    @RegisterExtension
    final RedisDatabase database = new RedisDatabase(8); // a database of its own, flushed around each test

    @Test
    void concurrentCallersEachGetTheirOwnReply() throws Exception {
        int callers = 64;
        int callsEach = 300;
        try (SharedPipeline pipeline = new SharedPipeline(database.client(), 2, Duration.ofSeconds(10));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<List<Long>>> counts = new ArrayList<>();
            for (int c = 0; c < callers; c++) {
                String caller = "caller-" + c;
                counts.add(threads.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < callsEach; i++) {
                        List<?> reply =
                                (List<?>) pipeline.run(ECHO_COUNT, List.of("{t}:count"), List.of(caller + "/" + i));
                        assertThat(reply.get(0)).isEqualTo(caller + "/" + i);
                        mine.add((Long) reply.get(1));
                    }
                    return mine;
                }));
            }
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> count : counts) {
                List<Long> mine = count.get(60, TimeUnit.SECONDS);
                assertThat(mine).isSorted(); // one caller's calls stay in its order
                all.addAll(mine);
            }
            assertThat(all).doesNotHaveDuplicates().hasSize(callers * callsEach);
            assertThat(database.client().get("{t}:count")).isEqualTo(Integer.toString(callers * callsEach));
        }
    }

    @Test
    void anErrorReplyFailsOnlyItsOwnCall() throws Exception {
        try (SharedPipeline pipeline = new SharedPipeline(database.client(), 1, Duration.ofSeconds(10));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> replies = new ArrayList<>();
            for (int i = -20; i < 20; i++) {
                String value = Integer.toString(i);
                replies.add(threads.submit(() -> pipeline.run(FAIL_ON_NEGATIVE, List.of("{t}:k"), List.of(value))));
            }
            for (int i = -20; i < 20; i++) {
                Future<Object> reply = replies.get(i + 20);
                if (i < 0) {
                    assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS))
                            .hasCauseInstanceOf(JedisDataException.class)
                            .hasMessageContaining("NEGATIVE");
                } else {
                    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo((long) i);
                }
            }
        }
    }

    @Test
    void hashReadsShareThePipelinesWithScripts() throws Exception {
        database.client().hset("{t}:h", java.util.Map.of("a", "1", "b", "2"));
        database.client().set("{t}:s", "a string");
        try (SharedPipeline pipeline = new SharedPipeline(database.client(), 1, Duration.ofSeconds(10));
                ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String value = Integer.toString(i);
                calls.add(threads.submit(() -> {
                    assertThat(pipeline.hget("{t}:h", "a")).isEqualTo("1");
                    assertThat(pipeline.hget("{t}:h", "missing")).isNull();
                    assertThat(pipeline.hmget("{t}:h", "b", "missing", "a")).containsExactly("2", null, "1");
                    assertThat(pipeline.run(FAIL_ON_NEGATIVE, List.of("{t}:k"), List.of(value)))
                            .isEqualTo((long) Integer.parseInt(value));
                    // A read of the wrong type fails alone, as the script errors do.
                    assertThatThrownBy(() -> pipeline.hget("{t}:s", "a"))
                            .isInstanceOf(JedisDataException.class)
                            .hasMessageContaining("WRONGTYPE");
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aServerThatLostItsScriptsIsSentTheSource() {
        try (SharedPipeline pipeline = new SharedPipeline(database.client(), 1, Duration.ofSeconds(10))) {
            assertThat(pipeline.run(FAIL_ON_NEGATIVE, List.of("{t}:k"), List.of("1")))
                    .isEqualTo(1L);
            database.client().scriptFlush();
            assertThat(pipeline.run(FAIL_ON_NEGATIVE, List.of("{t}:k"), List.of("2")))
                    .isEqualTo(2L);
        }
    }

    /**
     * A call the watchdog failed while it was in flight has been answered (a 503 for a create): when the server then
     * replies that it lost the script, the call must not be run after all.
     */
    @Test
    void aCallFailedByTheWatchdogIsNotRunWhenTheServerTurnsOutToHaveLostTheScript() throws Exception {
        try (SharedPipeline pipeline = new SharedPipeline(database.client(), 1, Duration.ofMillis(200))) {
            database.client().scriptFlush();
            database.client().sendCommand(Protocol.Command.CONFIG, "RESETSTAT");
            // Redis holds every command for 1.5 s: the call is sent, then failed by the watchdog, then answered
            // NOSCRIPT.
            database.client().sendCommand(Protocol.Command.CLIENT, "PAUSE", "1500", "ALL");
            assertThatThrownBy(() -> pipeline.run(ECHO_COUNT, List.of("{t}:count"), List.of("late")))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("did not answer within 200 ms");

            // The call was sent (a call the watchdog fails before it is sent is dropped, and proves nothing here).
            Await.until(
                    () -> database.client().info("errorstats").contains("errorstat_NOSCRIPT"), Duration.ofSeconds(10));
            // The same pipeline still works: with one sender, its NOSCRIPT handling is over once a later call is
            // answered. Retried: on a busy machine a call can outlast the 200 ms meant for the call above, which is the
            // watchdog doing its job, not the pipeline staying broken.
            Await.until(() -> answers(pipeline), Duration.ofSeconds(10));
            assertThat(database.client().get("{t}:count")).isNull(); // the failed call never ran
        }
    }

    private static boolean answers(SharedPipeline pipeline) {
        try {
            return Long.valueOf(1).equals(pipeline.run(FAIL_ON_NEGATIVE, List.of("{t}:k"), List.of("1")));
        } catch (BackendUnavailableException e) {
            return false;
        }
    }

    @Test
    void anUnreachableServerFailsTheCallPromptly() {
        try (RedisClient nowhere = RedisClient.create("127.0.0.1", 1);
                SharedPipeline pipeline = new SharedPipeline(nowhere, 1, Duration.ofSeconds(10))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> pipeline.run(ECHO_COUNT, List.of("{t}:count"), List.of("x")))
                    .isInstanceOf(JedisConnectionException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aServerThatNeverAnswersFailsTheCallAfterTheReplyWait() throws Exception {
        // Accepts the connection and reads nothing: the pipeline's write succeeds and its read would wait for the
        // client's socket timeout (3 s), which the reply wait undercuts.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                RedisClient client = RedisClient.builder()
                        .hostAndPort(new HostAndPort("127.0.0.1", silent.getLocalPort()))
                        .clientConfig(DefaultJedisClientConfig.builder()
                                .socketTimeoutMillis(3_000)
                                .build())
                        .build();
                SharedPipeline pipeline = new SharedPipeline(client, 1, Duration.ofMillis(400))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> pipeline.run(ECHO_COUNT, List.of("{t}:count"), List.of("x")))
                    .isInstanceOf(BackendUnavailableException.class)
                    .hasMessageContaining("did not answer within 400 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(400))
                    .isLessThan(Duration.ofMillis(2_500));
        }
    }

    @Test
    void closeAnswersEveryAcceptedCallAndRefusesLaterOnes() throws Exception {
        SharedPipeline pipeline = new SharedPipeline(database.client(), 2, Duration.ofSeconds(10));
        List<Future<Object>> replies = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2_000; i++) {
                String value = Integer.toString(i);
                replies.add(threads.submit(() -> pipeline.run(ECHO_COUNT, List.of("{t}:count"), List.of(value))));
            }
            pipeline.close();
            int answered = 0;
            for (Future<Object> reply : replies) {
                try {
                    reply.get(10, TimeUnit.SECONDS); // never hangs
                    answered++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause())
                            .isInstanceOf(BackendUnavailableException.class)
                            .hasMessageContaining("closed");
                }
            }
            // Whatever was answered ran exactly once; whatever was refused did not run.
            // (no key at all when close came before any call was sent)
            assertThat(Optional.ofNullable(database.client().get("{t}:count")).orElse("0"))
                    .isEqualTo(Integer.toString(answered));
        }
        assertThatThrownBy(() -> pipeline.run(ECHO_COUNT, List.of("{t}:count"), List.of("late")))
                .isInstanceOf(BackendUnavailableException.class);
    }
}
