package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.testing.KilledChild;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
        String token = null;
        List<Long> acknowledged = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            try {
                String line;
                while (acknowledged.size() < 400 && (line = out.readLine()) != null) {
                    if (line.startsWith("TOKEN ")) {
                        token = line.substring(6);
                    } else if (line.startsWith("ACK ")) {
                        acknowledged.add(Long.parseLong(line.substring(4)));
                    }
                }
            } finally {
                KilledChild.kill(child, Duration.ofSeconds(30));
            }
            // What it acknowledged between the 400th and the kill must survive too, the last one above all.
            for (String line : KilledChild.remainingLines(out)) {
                if (line.startsWith("ACK ")) {
                    acknowledged.add(Long.parseLong(line.substring(4)));
                }
            }
        }
        assertThat(token).isNotNull();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(400).doesNotHaveDuplicates();
        long last = acknowledged.getLast();

        try (ChatSystem chats = ChatSystem.open(ChatConfig.embedded(dataDir))) {
            List<Message> stored =
                    chats.listMessages(token, 1, new PageRequest(0, 1000)).items();
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
