package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.testing.ChildOutput;
import dev.chatsystem.core.testing.KilledChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forks a JVM that creates messages as fast as it can and prints each acknowledged one, kills it with SIGKILL in the
 * middle of that, reopens the data dir and checks that every acknowledged create is there, numbered without gaps,
 * and searchable.
 */
class CrashRecoveryTest {
    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedCreateSurvivesKillDashNine() throws Exception {
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashingWriter.class.getName(),
                        dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        ChildOutput out = ChildOutput.of(child);
        try {
            out.awaitUntil(lines -> acks(lines).size() >= 400, Duration.ofSeconds(60));
        } finally {
            KilledChild.kill(child, Duration.ofSeconds(30));
        }
        // What it acknowledged between the 400th and the kill must survive too, the last one above all.
        List<String> lines = out.toEnd(Duration.ofSeconds(30));
        String token = lines.stream()
                .filter(line -> line.startsWith("TOKEN "))
                .map(line -> line.substring(6))
                .findFirst()
                .orElse(null);
        List<Long> acknowledged = acks(lines);
        assertThat(token).isNotNull();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(400).doesNotHaveDuplicates();
        long last = acknowledged.getLast();

        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            List<Message> stored = allMessages(chats, token); // more than a page when the child was fast
            assertThat(stored)
                    .extracting(Message::messageNumber)
                    .as("numbers are gap-free from 1")
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, stored.size())
                            .boxed()
                            .toList());
            assertThat(stored).extracting(Message::messageNumber).containsAll(acknowledged);
            for (long number : acknowledged) {
                assertThat(chats.message(token, 1, number).body()).isEqualTo(CrashingWriter.body(number));
            }
            assertThat(chats.chat(token, 1).messagesCount()).isEqualTo(stored.size());
            // The index was not closed cleanly, so it was rebuilt from the store at open.
            assertThat(chats.searchMessages(token, 1, CrashingWriter.marker(last), 10))
                    .extracting(Message::messageNumber)
                    .containsExactly(last);
            long next = chats.createMessage(token, 1, "after the crash").messageNumber();
            assertThat(next).isEqualTo(stored.size() + 1);
        }
    }

    private static List<Long> acks(List<String> lines) {
        return lines.stream()
                .filter(line -> line.startsWith("ACK "))
                .map(line -> Long.parseLong(line.substring(4)))
                .toList();
    }

    /** Every message of chat 1, page after page until one comes back empty. */
    private static List<Message> allMessages(ChatSystem chats, String token) {
        List<Message> all = new ArrayList<>();
        while (true) {
            long after = all.isEmpty() ? 0 : all.getLast().messageNumber();
            List<Message> page = chats.listMessages(token, 1, new PageRequest(after, PageRequest.MAX_LIMIT))
                    .items();
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
        }
    }

    /** The child process: creates messages from 8 threads forever, printing each acknowledged number. */
    public static final class CrashingWriter {
        public static void main(String[] args) throws Exception {
            ChatSystem chats = ChatSystem.open(ChatConfig.embedded(Path.of(args[0])));
            String token = chats.createApplication("crash").token();
            chats.createChat(token);
            System.out.println("TOKEN " + token);
            System.out.flush();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                writers.add(Thread.ofPlatform().start(() -> {
                    while (true) {
                        long pending = chats.createMessage(token, 1, "pending").messageNumber();
                        chats.editMessage(token, 1, pending, body(pending));
                        synchronized (System.out) {
                            System.out.println("ACK " + pending);
                            System.out.flush();
                        }
                    }
                }));
            }
            Thread.sleep(Duration.ofMinutes(2));
        }

        static String body(long number) {
            return "message " + marker(number);
        }

        static String marker(long number) {
            return "zq" + number + "x";
        }
    }
}
