package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.Application;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.Created;
import dev.chatsystem.core.IdempotencyKey;
import dev.chatsystem.core.IdempotencyMismatchException;
import dev.chatsystem.core.InvalidInputException;
import dev.chatsystem.core.Message;
import dev.chatsystem.core.testing.MovableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotency keys on the embedded default: retries never create twice and never consume a number. */
class IdempotencyTest {
    @TempDir
    Path dataDir;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private ChatSystem chats;
    private String token;

    @BeforeEach
    void open() {
        chats = ChatSystems.open(ChatConfig.embedded(dataDir), clock);
        token = chats.createApplication("app").token();
        chats.createChat(token);
    }

    @AfterEach
    void close() {
        chats.close();
    }

    @Test
    void parallelRetriesWithOneKeyCreateOneMessage() throws Exception {
        IdempotencyKey key = new IdempotencyKey("retry-1");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        List<Future<Created<Message>>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            results.add(pool.submit(() -> chats.createMessage(token, 1, "hello", key)));
        }
        List<Created<Message>> created = new ArrayList<>();
        for (Future<Created<Message>> result : results) {
            created.add(result.get());
        }
        pool.shutdown();

        assertThat(created)
                .extracting(Created::value)
                .containsOnly(created.get(0).value());
        assertThat(created).filteredOn(c -> !c.replayed()).hasSize(1);
        assertThat(created.get(0).value().messageNumber()).isEqualTo(1);
        assertThat(chats.createMessage(token, 1, "next").messageNumber()).isEqualTo(2);
        assertThat(chats.chat(token, 1).messagesCount()).isEqualTo(2);
    }

    @Test
    void aKeyReusedWithAnotherBodyIsAMismatchAndAnotherChatIsIndependent() {
        IdempotencyKey key = new IdempotencyKey("k");
        chats.createMessage(token, 1, "first", key);
        assertThatThrownBy(() -> chats.createMessage(token, 1, "second", key))
                .isInstanceOf(IdempotencyMismatchException.class);

        chats.createChat(token);
        Created<Message> elsewhere = chats.createMessage(token, 2, "second", key);
        assertThat(elsewhere.replayed()).isFalse();
        assertThat(elsewhere.value().messageNumber()).isEqualTo(1);
    }

    @Test
    void chatsAndApplicationsReplayToo() {
        IdempotencyKey key = new IdempotencyKey("create chat");
        Created<dev.chatsystem.core.Chat> first = chats.createChat(token, key);
        Created<dev.chatsystem.core.Chat> again = chats.createChat(token, key);
        assertThat(first.replayed()).isFalse();
        assertThat(again.replayed()).isTrue();
        assertThat(again.value()).isEqualTo(first.value());
        assertThat(chats.createChat(token).chatNumber()).isEqualTo(first.value().chatNumber() + 1);

        IdempotencyKey appKey = new IdempotencyKey("0f8c7a52-4b1e-4d7a-9c3e-5a2b8e6f1d90");
        Created<Application> app = chats.createApplication("Support", appKey);
        Created<Application> appAgain = chats.createApplication(" Support ", appKey);
        assertThat(appAgain.replayed()).isTrue();
        assertThat(appAgain.value()).isEqualTo(app.value());
        assertThatThrownBy(() -> chats.createApplication("Other", appKey))
                .isInstanceOf(IdempotencyMismatchException.class);
        assertThat(chats.stats().applications()).isEqualTo(2);
    }

    @Test
    void applicationKeysTooShortToBeSecretAreRefused() {
        // A replay answers with the token: anyone reusing a short key with the same name would get another's token.
        String shortKey = "k".repeat(IdempotencyKey.MIN_APPLICATION_KEY_LENGTH - 1);
        assertThatThrownBy(() -> chats.createApplication("Support", new IdempotencyKey(shortKey)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at least 32 characters");
        long before = chats.stats().applications();

        assertThat(chats.createApplication("Support", new IdempotencyKey(shortKey + "k"))
                        .replayed())
                .isFalse();
        assertThat(chats.stats().applications()).isEqualTo(before + 1);
    }

    @Test
    void keysSurviveARestartAndExpireAfterTheRetention() {
        IdempotencyKey key = new IdempotencyKey("durable");
        Message original = chats.createMessage(token, 1, "body", key).value();
        chats.close();
        chats = ChatSystems.open(ChatConfig.embedded(dataDir), clock);

        assertThat(chats.createMessage(token, 1, "body", key).value()).isEqualTo(original);

        clock.advance(Duration.ofHours(24).plusSeconds(1));
        Created<Message> afterRetention = chats.createMessage(token, 1, "body", key);
        assertThat(afterRetention.replayed()).isFalse();
        assertThat(afterRetention.value().messageNumber()).isEqualTo(2);
    }

    @Test
    void keysMustBePrintableAscii() {
        assertThatThrownBy(() -> new IdempotencyKey("")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new IdempotencyKey("x".repeat(256))).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new IdempotencyKey("tab\there")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new IdempotencyKey("é")).isInstanceOf(InvalidInputException.class);
        assertThat(new IdempotencyKey("a b-c_1:{}").value()).isEqualTo("a b-c_1:{}");
        // MySQL would take "k " for "k" (trailing spaces do not count in its comparison) and H2 would not.
        assertThatThrownBy(() -> new IdempotencyKey("k ")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> new IdempotencyKey(" k")).isInstanceOf(InvalidInputException.class);
    }
}
