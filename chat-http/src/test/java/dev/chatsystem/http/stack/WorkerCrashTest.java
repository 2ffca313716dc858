package dev.chatsystem.http.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An API-only process and two worker processes; the worker holding every shard lease is killed with {@code kill -9}
 * under load. The survivor takes the shards over when the dead worker's leases expire and re-reads what it had read
 * but not acknowledged: every acknowledged message ends up stored and indexed exactly once.
 */
@Timeout(180)
class WorkerCrashTest {
    private static final int CHATS = 8;

    @TempDir
    static Path workDir;

    static StackWorld world;
    static ServerProcess api;
    static ServerProcess doomed;
    static ServerProcess survivor;

    @BeforeAll
    static void startServers() {
        world = StackWorld.create(12);
        api = ServerProcess.start("api", world.environment("api"), workDir);
        // Started first, it takes every lease; the survivor drains nothing until they expire.
        doomed = ServerProcess.start("worker-1", world.environment("worker"), workDir);
        survivor = ServerProcess.start("worker-2", world.environment("worker"), workDir);
    }

    private Load load;

    /** A test that failed midway left its load running, spinning on a server that is about to be gone. */
    @AfterEach
    void stopLoad() {
        if (load != null) {
            load.stop();
        }
    }

    @AfterAll
    static void stopServers() {
        for (AutoCloseable closeable : new AutoCloseable[] {survivor, doomed, api, world}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }
    }

    @Test
    void everyAcknowledgedMessageIsStoredAndIndexedExactlyOnceAfterAWorkerIsKilled() throws Exception {
        Api client = new Api(api.baseUrl());
        String token = client.createApplication("crash");
        for (int chat = 1; chat <= CHATS; chat++) {
            assertThat(client.createChat(token).status()).isEqualTo(201);
        }
        load = Load.start(client, token, CHATS, 8, "crash", Duration.ZERO);
        Await.until(
                Duration.ofSeconds(20),
                "some messages stored",
                () -> 0,
                () -> world.storedMessages(token).rows() > 200);
        long storedBeforeKill = world.storedMessages(token).rows();
        assertThat(persistedEntries(doomed))
                .as("the worker to kill was draining: it holds leases and entries read but not acknowledged")
                .isPositive();
        doomed.kill();
        long killedAt = System.nanoTime();
        Await.until(
                Duration.ofSeconds(10),
                "more messages acknowledged after the kill",
                () -> 0,
                () -> load.acknowledgedCount() > storedBeforeKill + 500);
        load.stop();
        int acknowledged = load.acknowledgedCount();
        assertThat(load.failures()).isEmpty();
        assertThat(load.errors()).as("client requests that threw").isEmpty();

        Duration stored = Await.until(
                Duration.ofSeconds(60),
                "every acknowledged message stored",
                () -> world.storedMessages(token),
                () -> world.storedMessages(token).rows() >= acknowledged);
        Map<String, String> bodies = load.acknowledgedBodies();
        assertThat(world.storedBodies(token))
                .as("rows (chat/number, body): each acknowledged create once, with the body sent, and nothing else")
                .containsExactlyInAnyOrderElementsOf(bodies.entrySet());
        Duration indexed = Await.until(
                Duration.ofSeconds(60),
                "every acknowledged message indexed under its id with its body, and nothing else",
                () -> world.indexDifference(token, bodies),
                () -> world.indexHoldsExactly(token, bodies));
        System.out.printf(
                "worker kill: %d acknowledged (%d stored before the kill); all stored %d ms and indexed %d ms after"
                        + " load stopped, %d ms after the kill%n",
                acknowledged,
                storedBeforeKill,
                stored.toMillis(),
                indexed.toMillis(),
                (System.nanoTime() - killedAt) / 1_000_000);
    }

    /** The entries {@code worker} persisted so far, from its own {@code /metrics}. */
    private static double persistedEntries(ServerProcess worker) {
        String series = "chat_worker_batch_entries_sum{stage=\"persist\"} ";
        return new Api(worker.baseUrl())
                .get("/metrics")
                .text()
                .lines()
                .filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length())))
                .findFirst()
                .orElse(0);
    }
}
