package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A closed system fails every call in one documented way, whatever its backends would have said. */
class ClosedChatSystemTest {
    @TempDir
    Path dataDir;

    @Test
    void everyCallAfterCloseThrowsTheClosedFailure() {
        ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir));
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createMessage(token, 1, "hello world");
        chats.close();

        IdempotencyKey key = new IdempotencyKey(UUID.randomUUID().toString());
        Map<String, ThrowingCallable> calls = Map.ofEntries(
                Map.entry("createApplication", () -> chats.createApplication("other")),
                Map.entry("createApplication with key", () -> chats.createApplication("other", key)),
                Map.entry("application", () -> chats.application(token)),
                Map.entry("renameApplication", () -> chats.renameApplication(token, "renamed")),
                Map.entry("listApplications", () -> chats.listApplications(Optional.empty(), 10)),
                Map.entry("createChat", () -> chats.createChat(token)),
                Map.entry("createChat with key", () -> chats.createChat(token, key)),
                Map.entry("chat", () -> chats.chat(token, 1)),
                Map.entry("listChats", () -> chats.listChats(token, PageRequest.first())),
                Map.entry("createMessage", () -> chats.createMessage(token, 1, "x")),
                Map.entry("createMessage with key", () -> chats.createMessage(token, 1, "x", key)),
                Map.entry("message", () -> chats.message(token, 1, 1)),
                Map.entry("listMessages", () -> chats.listMessages(token, 1, PageRequest.first())),
                Map.entry("editMessage", () -> chats.editMessage(token, 1, 1, "edited")),
                Map.entry("searchMessages", () -> chats.searchMessages(token, 1, "hello", 10)),
                Map.entry("health", chats::health),
                Map.entry("reconcileCounts", chats::reconcileCounts),
                Map.entry("reindex", () -> chats.reindex(Optional.empty(), ReindexListener.NONE)),
                Map.entry("reseedNumbering", chats::reseedNumbering),
                Map.entry("schemaVersion", chats::schemaVersion),
                Map.entry("stats", chats::stats),
                Map.entry("queueBacklog", chats::queueBacklog),
                Map.entry("queueMemory", chats::queueMemory));

        calls.forEach((name, call) -> assertThatThrownBy(call)
                .as(name)
                .isInstanceOf(ChatSystemClosedException.class)
                .hasMessage("the chat system is closed")
                .extracting(e -> ((ChatException) e).code())
                .isEqualTo(ChatException.Code.CLOSED));
        assertThatCode(chats::close).doesNotThrowAnyException();
    }

    /**
     * Searches and creates racing close fail only with the closed failure (the analyzer closing under a search threw
     * Lucene's AlreadyClosedException, a pool closing under a read "HikariDataSource has been closed" as a retryable
     * backend failure), and every create that returned is still there after a reopen.
     */
    @Test
    void callsRacingCloseFailOnlyAsClosedAndAcknowledgedCreatesSurvive() throws Exception {
        ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir));
        String token = chats.createApplication("app").token();
        for (int chat = 1; chat <= 4; chat++) {
            chats.createChat(token);
            chats.createMessage(token, chat, "hello word " + chat);
        }
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<long[]> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicLong searched = new AtomicLong();
        ExecutorService callers = Executors.newFixedThreadPool(24);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int t = 0; t < 24; t++) {
                long chat = 1 + t % 4;
                boolean searcher = t % 3 != 0;
                running.add(callers.submit(() -> {
                    try {
                        while (true) { // until the close fails it
                            if (searcher) {
                                chats.searchMessages(token, chat, "hello", 5);
                                searched.incrementAndGet();
                            } else {
                                Message created = chats.createMessage(token, chat, "hello word " + chat);
                                acknowledged.add(new long[] {chat, created.messageNumber()});
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            while (searched.get() < 200) {
                Thread.sleep(10);
            }
            chats.close();
            for (Future<?> caller : running) {
                caller.get(30, TimeUnit.SECONDS);
            }
        } finally {
            callers.shutdownNow();
        }

        assertThat(failures).hasSize(24);
        assertThat(failures.stream()
                        .filter(e -> !(e instanceof ChatSystemClosedException))
                        .map(Throwable::toString)
                        .distinct())
                .isEmpty();
        try (ChatSystem reopened = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            for (long[] created : acknowledged) {
                assertThat(reopened.message(token, created[0], created[1]).body())
                        .isEqualTo("hello word " + created[0]);
            }
        }
    }

    /**
     * Whoever returns from close may open the same data dir again: a second, concurrent close used to return at once,
     * while the first still held the store's and the index's locks.
     */
    @Test
    void concurrentClosesBothReturnOnlyOnceTheDataDirCanBeOpenedAgain() throws Exception {
        CountDownLatch indexing = new CountDownLatch(1);
        AtomicBoolean slow = new AtomicBoolean();
        WorkerListener slowIndexer = new WorkerListener() {
            @Override
            public void batchHandled(String stage, int shard, long[] lagMillis) {
                if (stage.equals(QueueBacklog.INDEX) && slow.get()) {
                    indexing.countDown();
                    sleep(500); // the close waits for the indexer, so it takes this long at least
                }
            }
        };
        ChatSystem chats = ChatSystem.open(ChatConfig.builder()
                .dataDir(dataDir)
                .reconcileInterval(Duration.ZERO)
                .workerListener(slowIndexer)
                .build());
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        slow.set(true);
        chats.createMessage(token, 1, "indexed slowly");
        indexing.await();

        CyclicBarrier start = new CyclicBarrier(2);
        ReentrantLock reopening = new ReentrantLock();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> closers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            closers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    chats.close();
                    reopening.lock(); // one at a time: an open system holds its data dir
                    try (ChatSystem reopened = ChatSystem.open(ChatConfig.embedded(dataDir))) {
                        reopened.application(token);
                    } finally {
                        reopening.unlock();
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread closer : closers) {
            closer.join(Duration.ofSeconds(60));
        }

        assertThat(failures.stream().map(Throwable::toString)).isEmpty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
