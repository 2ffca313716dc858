package dev.chatsystem.core.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default reports the writer's batches to its {@link dev.chatsystem.core.WorkerListener}. */
class EmbeddedWorkerListenerTest {
    @TempDir
    Path dataDir;

    private final RecordingWorkerListener listener = new RecordingWorkerListener();

    @Test
    void reportsEveryCommittedWriteAsPersistedWithItsLag() {
        try (ChatSystem chats = open()) {
            String token = chats.createApplication("app").token();
            chats.createChat(token);
            for (int i = 0; i < 5; i++) {
                chats.createMessage(token, 1, "message " + i);
            }
            chats.editMessage(token, 1, 1, "edited");

            // The writer answers before it reports, so the last batch may arrive a moment after the last write.
            awaitTrue(() -> listener.total(QueueBacklog.PERSIST) == 7);
            assertThat(listener.batches)
                    .allSatisfy(batch -> assertThat(batch.shard()).isZero());
            assertThat(listener.lags(QueueBacklog.PERSIST)).hasSize(7).allMatch(lag -> lag >= 0 && lag < 10_000);
            assertThat(listener.entries(QueueBacklog.INDEX)).isEmpty();
        }
    }

    private ChatSystem open() {
        return ChatSystem.open(
                ChatConfig.builder().dataDir(dataDir).workerListener(listener).build());
    }

    private static void awaitTrue(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 15 s").isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
