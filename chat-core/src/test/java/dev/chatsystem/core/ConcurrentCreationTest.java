package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads creating at once must still get unique, gap-free numbers and exact counts. */
class ConcurrentCreationTest {
    private static final int THREADS = 48;

    @TempDir
    Path dataDir;

    @Test
    void concurrentChatAndMessageCreatesAreUniqueAndGapFree() throws Exception {
        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            String token = chats.createApplication("busy").token();
            chats.createChat(token); // the hot chat every thread writes into

            Set<Long> chatNumbers = ConcurrentHashMap.newKeySet();
            Set<Long> hotMessageNumbers = ConcurrentHashMap.newKeySet();
            int perThread = 25;
            runConcurrently(THREADS, thread -> {
                for (int i = 0; i < perThread; i++) {
                    long chat = chats.createChat(token).chatNumber();
                    assertThat(chatNumbers.add(chat))
                            .as("duplicate chat %s", chat)
                            .isTrue();
                    long message = chats.createMessage(token, 1, "t" + thread + " m" + i)
                            .messageNumber();
                    assertThat(hotMessageNumbers.add(message))
                            .as("duplicate message %s", message)
                            .isTrue();
                    chats.createMessage(token, chat, "first in " + chat);
                }
            });

            int total = THREADS * perThread;
            assertThat(chatNumbers).containsExactlyInAnyOrderElementsOf(range(2, total + 1));
            assertThat(hotMessageNumbers).containsExactlyInAnyOrderElementsOf(range(1, total));
            assertThat(chats.application(token).chatsCount()).isEqualTo(total + 1);
            assertThat(chats.chat(token, 1).messagesCount()).isEqualTo(total);
            assertThat(chats.listMessages(token, 1, new PageRequest(0, 1000)).items())
                    .extracting(Message::messageNumber)
                    .containsExactlyElementsOf(range(1, Math.min(total, 1000)));
            assertThat(chats.reconcileCounts().corrections()).isEmpty();
        }
    }

    @Test
    void concurrentEditsAndCreatesAcrossApplicationsStayConsistent() throws Exception {
        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String token = chats.createApplication("app " + i).token();
                chats.createChat(token);
                chats.createMessage(token, 1, "original");
                tokens.add(token);
            }
            runConcurrently(32, thread -> {
                String token = tokens.get(thread % tokens.size());
                for (int i = 0; i < 20; i++) {
                    chats.editMessage(token, 1, 1, "edit " + thread + " " + i);
                    chats.createChat(token);
                }
            });
            for (String token : tokens) {
                assertThat(chats.application(token).chatsCount()).isEqualTo(1 + 8 * 20);
                String body = chats.message(token, 1, 1).body();
                // The index holds exactly the last edit the store holds.
                assertThat(chats.searchMessages(token, 1, body, 10))
                        .extracting(Message::body)
                        .contains(body);
            }
        }
    }

    @Test
    void eachOfManyConcurrentEditsOfOneMessageAnswersWithItsOwnBody() throws Exception {
        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            String token = chats.createApplication("editing").token();
            chats.createChat(token);
            Message original = chats.createMessage(token, 1, "original");
            List<Message> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
            runConcurrently(THREADS, thread -> {
                for (int i = 0; i < 20; i++) {
                    String body = "edit " + thread + " " + i;
                    Message edited = chats.editMessage(token, 1, 1, body);
                    // Others' edits commit in the same batch or right after: the answer is still this one's.
                    assertThat(edited.body()).isEqualTo(body);
                    assertThat(edited.createdAt()).isEqualTo(original.createdAt());
                    assertThat(edited.updatedAt()).isAfter(original.createdAt());
                    answers.add(edited);
                }
            });

            // The edit ordered last won, and is dated after every other: its answer is what a read shows.
            Message last = chats.message(token, 1, 1);
            assertThat(answers).contains(last);
            assertThat(answers)
                    .filteredOn(answer -> !answer.equals(last))
                    .allSatisfy(answer -> assertThat(answer.updatedAt()).isBefore(last.updatedAt()));
        }
    }

    @Test
    void aSearchRightAfterEachOfManyConcurrentCreatesFindsIt() throws Exception {
        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            String token = chats.createApplication("searching").token();
            chats.createChat(token);
            runConcurrently(THREADS, thread -> {
                for (int i = 0; i < 20; i++) {
                    String word = "w" + thread + "x" + i + "y"; // a word no other message contains
                    Message created = chats.createMessage(token, 1, "note " + word);
                    assertThat(chats.searchMessages(token, 1, word, 5))
                            .as("search for %s right after its create", word)
                            .extracting(Message::messageNumber)
                            .containsExactly(created.messageNumber());
                }
            });
        }
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private interface ThreadBody {
        void run(int thread) throws Exception;
    }

    private static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    body.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
