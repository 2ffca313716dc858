package dev.chatsystem.core.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.ReconcileReport.Correction;
import dev.chatsystem.core.WorkerListener;
import dev.chatsystem.core.testing.Await;
import dev.chatsystem.core.testing.RecordingWorkerListener;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default reports to its {@link dev.chatsystem.core.WorkerListener}: the writer's and the indexer's
 * batches, and the periodic reconciler, which repairs a count broken behind the store's back (here, in the h2
 * package, to reach the database URL).
 */
class EmbeddedWorkerListenerTest {
    @TempDir
    Path dataDir;

    private final RecordingWorkerListener listener = new RecordingWorkerListener();

    @Test
    void reportsEveryCommittedWriteAsPersistedAndEveryMessageWriteAsIndexedWithItsLag() {
        try (ChatSystem chats = open(Duration.ZERO)) {
            String token = chats.createApplication("app").token();
            chats.createChat(token);
            for (int i = 0; i < 5; i++) {
                chats.createMessage(token, 1, "message " + i);
            }
            chats.editMessage(token, 1, 1, "edited");

            // The writer answers before it reports, so the last batch may arrive a moment after the last write.
            awaitTrue(() -> listener.total(QueueBacklog.PERSIST) == 7 && listener.total(QueueBacklog.INDEX) == 6);
            assertThat(listener.batches)
                    .allSatisfy(batch -> assertThat(batch.shard()).isZero());
            assertThat(listener.lags(QueueBacklog.PERSIST)).hasSize(7).allMatch(lag -> lag >= 0 && lag < 10_000);
            assertThat(listener.lags(QueueBacklog.INDEX)).hasSize(6).allMatch(lag -> lag >= 0 && lag < 10_000);
            assertThat(listener.reconciled).isEmpty(); // the interval of zero turns the reconciler off
        }
    }

    @Test
    void theReconcilerFixesABrokenCountOnItsOwnAndManualRunsAreReportedToo() {
        try (ChatSystem chats = open(Duration.ofSeconds(1))) {
            String token = chats.createApplication("app").token();
            chats.createChat(token);
            chats.createMessage(token, 1, "one");
            chats.createMessage(token, 1, "two");
            breakMessagesCount(token, 1, 7);
            assertThat(chats.chat(token, 1).messagesCount()).isEqualTo(7);

            awaitTrue(() -> !listener.reconciled.isEmpty()
                    && listener.reconciled.stream()
                            .anyMatch(r -> !r.corrections().isEmpty()));

            assertThat(listener.reconciled.stream().flatMap(r -> r.corrections().stream()))
                    .containsExactly(new Correction(token, 1, 7, 2));
            assertThat(chats.chat(token, 1).messagesCount()).isEqualTo(2);
            int periodic = listener.reconciled.size();
            assertThat(chats.reconcileCounts().corrections()).isEmpty();
            assertThat(listener.reconciled).hasSizeGreaterThan(periodic);
            assertThat(listener.failed).isEmpty();
        }
    }

    @Test
    void aListenerThrowingAnErrorNeitherStopsTheWriterNorFailsLaterWrites() {
        AtomicInteger calls = new AtomicInteger();
        WorkerListener failing = new WorkerListener() {
            @Override
            public void batchHandled(String stage, int shard, long[] lagMillis) {
                calls.incrementAndGet();
                throw new AssertionError("a listener's failed assertion");
            }
        };
        try (ChatSystem chats = ChatSystem.open(ChatConfig.builder()
                .dataDir(dataDir)
                .reconcileInterval(Duration.ZERO)
                .workerListener(failing)
                .build())) {
            String token = chats.createApplication("app").token();
            chats.createChat(token);
            awaitTrue(() -> calls.get() > 0); // the writer answers first, then reports: the Error was thrown by now

            assertThat(chats.createChat(token).chatNumber()).isEqualTo(2);
            assertThat(chats.createMessage(token, 2, "still written").messageNumber())
                    .isEqualTo(1);
            assertThat(chats.searchMessages(token, 2, "written", 10)).hasSize(1);
            assertThat(chats.health().healthy()).isTrue();
        }
    }

    private ChatSystem open(Duration reconcileInterval) {
        return ChatSystem.open(ChatConfig.builder()
                .dataDir(dataDir)
                .reconcileInterval(reconcileInterval)
                .workerListener(listener)
                .build());
    }

    /** A second connection in this JVM shares the open database, so this writes behind the store's back. */
    private void breakMessagesCount(String token, long chatNumber, long value) {
        String sql = "UPDATE chats SET messages_count = ? WHERE chat_number = ? AND application_id ="
                + " (SELECT id FROM applications WHERE token = ?)";
        try (Connection connection = DriverManager.getConnection(
                        H2Database.url(dataDir.toAbsolutePath().normalize()), "sa", "");
                PreparedStatement update = connection.prepareStatement(sql)) {
            update.setLong(1, value);
            update.setLong(2, chatNumber);
            update.setString(3, token);
            assertThat(update.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitTrue(BooleanSupplier condition) {
        Await.until(condition, Duration.ofSeconds(15));
    }
}
