package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link WorkerListener} may close the system it listens to: the close waits for the writer and the indexer to
 * finish, and the listener runs on those very threads, so a close that waited for its own thread, or for a concurrent
 * close waiting for that thread, would never return. Bounded waits, so that a deadlock fails the test.
 */
class ListenerClosesChatSystemTest {
    private static final long BOUND_SECONDS = 20;

    @TempDir
    Path dataDir;

    private final AtomicReference<ChatSystem> system = new AtomicReference<>();
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger persisted = new AtomicInteger();
    private final CountDownLatch listenerClosed = new CountDownLatch(1);
    private final AtomicReference<Throwable> listenerFailure = new AtomicReference<>();

    @ParameterizedTest
    @ValueSource(strings = {QueueBacklog.PERSIST, QueueBacklog.INDEX})
    void aListenerClosingTheSystemDuringAConcurrentCloseLetsBothReturn(String stage) throws Exception {
        CountDownLatch inCallback = new CountDownLatch(1);
        ChatSystem chats = open(stage, () -> {
            inCallback.countDown();
            awaitClosed(system.get()); // the other close has begun, and waits for this thread
            system.get().close();
        });
        String token = createChatAndArm(chats);
        chats.createMessage(token, 1, "closing from the " + stage + " listener");
        assertThat(inCallback.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();

        Thread closer = Thread.ofPlatform().daemon().start(chats::close);

        assertThat(listenerClosed.await(BOUND_SECONDS, TimeUnit.SECONDS))
                .as("the listener's close returned")
                .isTrue();
        assertThat(closer.join(Duration.ofSeconds(BOUND_SECONDS)))
                .as("the concurrent close returned")
                .isTrue();
        assertThat(listenerFailure.get()).isNull();
        assertReopensWith(token);
    }

    @ParameterizedTest
    @ValueSource(strings = {QueueBacklog.PERSIST, QueueBacklog.INDEX})
    void aListenerClosingTheSystemFirstReturnsAndTheCloseCompletes(String stage) throws Exception {
        ChatSystem chats = open(stage, () -> system.get().close());
        String token = createChatAndArm(chats);
        chats.createMessage(token, 1, "closing from the " + stage + " listener");

        assertThat(listenerClosed.await(BOUND_SECONDS, TimeUnit.SECONDS))
                .as("the listener's close returned")
                .isTrue();
        // A later close waits for the one the listener started, so whoever returns may open the data dir again.
        Thread closer = Thread.ofPlatform().daemon().start(chats::close);
        assertThat(closer.join(Duration.ofSeconds(BOUND_SECONDS)))
                .as("a later close returned")
                .isTrue();
        assertThat(listenerFailure.get()).isNull();
        assertReopensWith(token);
    }

    @Test
    void aListenerClosingTheSystemFromTheReconcilerReleasesOnAThreadTheJvmWaitsFor() throws Exception {
        AtomicReference<Boolean> releaseDaemon = new AtomicReference<>();
        WorkerListener closing = new WorkerListener() {
            @Override
            public void reconciled(ReconcileReport report, Duration took) {
                runOnceArmed(() -> {
                    system.get().close();
                    // The release waits (bounded) for this reconciliation, so its thread is still there.
                    releaseDaemon.set(Thread.getAllStackTraces().keySet().stream()
                            .filter(thread -> thread.getName().equals("chat-close"))
                            .map(Thread::isDaemon)
                            .findFirst()
                            .orElse(null));
                });
            }
        };
        ChatSystem chats = ChatSystem.open(ChatConfig.builder()
                .dataDir(dataDir)
                .reconcileInterval(Duration.ofSeconds(1))
                .workerListener(closing)
                .build());
        system.set(chats);
        armed.set(true);

        assertThat(listenerClosed.await(BOUND_SECONDS, TimeUnit.SECONDS))
                .as("the listener's close returned")
                .isTrue();
        assertThat(listenerFailure.get()).isNull();
        // The reconciler's thread is a daemon, and a thread takes its creator's flag unless told otherwise.
        assertThat(releaseDaemon.get()).as("the release thread is a daemon").isFalse();
        chats.close();
    }

    @Test
    void aListenerClosingAnotherSystemWaitsForItsRelease(@TempDir Path otherDir) throws Exception {
        ChatSystem other = ChatSystem.open(ChatConfig.embedded(otherDir));
        AtomicBoolean reopened = new AtomicBoolean();
        ChatSystem chats = open(QueueBacklog.PERSIST, () -> {
            other.close();
            // Only this system's own close may skip the wait: the other's files are released once it returns.
            try (ChatSystem again = ChatSystem.open(ChatConfig.embedded(otherDir))) {
                reopened.set(again.health() != null);
            }
        });
        String token = createChatAndArm(chats);
        chats.createMessage(token, 1, "closing another system from the listener");

        assertThat(listenerClosed.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(listenerFailure.get()).isNull();
        assertThat(reopened).isTrue();
        chats.close();
    }

    private ChatSystem open(String stage, Runnable onArmedBatch) {
        WorkerListener closing = new WorkerListener() {
            @Override
            public void batchHandled(String handled, int shard, long[] lagMillis) {
                if (handled.equals(QueueBacklog.PERSIST)) {
                    persisted.incrementAndGet();
                }
                if (handled.equals(stage)) {
                    runOnceArmed(onArmedBatch);
                }
            }
        };
        ChatSystem chats = ChatSystem.open(ChatConfig.builder()
                .dataDir(dataDir)
                .reconcileInterval(Duration.ZERO)
                .workerListener(closing)
                .build());
        system.set(chats);
        return chats;
    }

    /** Runs {@code action} on the listener's thread if armed (once), recording what it throws and that it ran. */
    private void runOnceArmed(Runnable action) {
        if (armed.compareAndSet(true, false)) {
            try {
                action.run();
            } catch (Throwable e) {
                listenerFailure.set(e);
            } finally {
                listenerClosed.countDown();
            }
        }
    }

    private String createChatAndArm(ChatSystem chats) {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        // Armed once the chat's batch is reported (after its create returned), so that only the message's closes.
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (persisted.get() < 1 && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        assertThat(persisted.get()).isEqualTo(1);
        armed.set(true);
        return token;
    }

    private void assertReopensWith(String token) {
        try (ChatSystem reopened = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            assertThat(reopened.message(token, 1, 1).body()).startsWith("closing from the");
        }
    }

    private static void awaitClosed(ChatSystem chats) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
        while (System.nanoTime() - until < 0) {
            try {
                chats.queueBacklog();
            } catch (ChatSystemClosedException e) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the concurrent close never began");
    }
}
