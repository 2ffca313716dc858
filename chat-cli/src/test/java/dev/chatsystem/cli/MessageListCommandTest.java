package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.Page;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code message list} reads the store; the search backend is asked only for a note beside the table. The states come
 * from a stand-in chat system: a real Elasticsearch cannot be made to hang for one test.
 */
class MessageListCommandTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final Page<Message> PAGE =
            new Page<>(List.of(new Message(1, 1, "kept in the store", AT, AT)), OptionalLong.empty());

    private final CountDownLatch hung = new CountDownLatch(1);

    @TempDir
    Path dir;

    @AfterEach
    void answer() {
        hung.countDown();
    }

    @Test
    void aSearchBackendThatDoesNotAnswerDelaysTheListOnlyBriefly() {
        Cli.Result table = assertTimeoutPreemptively(
                Duration.ofSeconds(3),
                () -> list(() -> {
                    hung.await();
                    return BackendStatus.up("search", "elasticsearch");
                }));

        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("kept in the store");
        assertThat(table.err().lines())
                .singleElement()
                .asString()
                .isEqualTo("chat-cli: note: search index state unknown (no answer within 1 s)");
    }

    @Test
    void aSearchBackendThatAnswersInTimeStillAddsItsNote() {
        Cli.Result table = list(() -> BackendStatus.warning("search", "elasticsearch", "writes are blocked"));

        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("kept in the store");
        assertThat(table.err().lines())
                .singleElement()
                .asString()
                .isEqualTo("chat-cli: note: search index: writes are blocked (this list comes from the store and is"
                        + " complete)");
    }

    private interface SearchHealth {
        BackendStatus answer() throws InterruptedException;
    }

    private Cli.Result list(SearchHealth searchHealth) {
        return Cli.run(config -> listing(searchHealth), "message", "list", "token", "1", "--data-dir", dir.toString());
    }

    /** A chat system that answers one page of messages, its search backend's state and a close. */
    private static ChatSystem listing(SearchHealth searchHealth) {
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(),
                new Class<?>[] {ChatSystem.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "listMessages" -> PAGE;
                    case "searchHealth" -> searchHealth.answer();
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
