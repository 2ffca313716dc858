package dev.chatsystem.core.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.testing.KilledChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a JVM that is writing to the store and checks that every acknowledged batch survived. */
class H2DurabilityTest {
    private static final long ACKNOWLEDGED = 30;

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void acknowledgedBatchesSurviveKillAndTheDirIsLockedWhileInUse() throws Exception {
        Process child = startKillTarget();
        long acked;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            try {
                acked = awaitAcks(out);
                assertThatThrownBy(() -> H2ChatStore.open(dir))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessageContaining("is in use by another process");
            } finally {
                KilledChild.kill(child, Duration.ofSeconds(20));
            }
            // It kept acknowledging until the kill: the last of those acknowledgements is the one that must survive.
            for (String line : KilledChild.remainingLines(out)) {
                if (line.startsWith("ack ")) {
                    long number = Long.parseLong(line.substring(4));
                    assertThat(number).as("acknowledged in order").isEqualTo(acked + 1);
                    acked = number;
                }
            }
        }

        try (H2ChatStore store = H2ChatStore.open(dir)) {
            long stored = store.maxMessageNumber("tok", 1);
            assertThat(stored).isGreaterThanOrEqualTo(acked);
            assertThat(store.countMessages(Optional.of("tok"))).isEqualTo(stored);
            assertThat(store.chat("tok", 1).orElseThrow().messagesCount()).isEqualTo(stored);
            assertThat(store.message("tok", 1, acked).orElseThrow().body())
                    .as("the last acknowledged message")
                    .isEqualTo("message " + acked);
        }
    }

    private Process startKillTarget() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return new ProcessBuilder(java, "-cp", classPath, KillTarget.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    /** Reads the child's output until it has acknowledged enough batches; returns the last acknowledged number. */
    private static long awaitAcks(BufferedReader out) throws IOException {
        long acked = 0;
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("ack ")) {
                acked = Long.parseLong(line.substring(4));
                if (acked >= ACKNOWLEDGED) {
                    return acked;
                }
            }
        }
        throw new AssertionError("child exited after " + acked + " acknowledgements");
    }
}
