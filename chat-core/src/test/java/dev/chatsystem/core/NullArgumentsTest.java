package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A null argument is a ChatException naming it, as every failure of the API is, not a NullPointerException; and one
 * the store is never asked about: with a token no application has, a check after the lookup would say "not found".
 */
class NullArgumentsTest {
    /** Plausible as a token, but no application's. */
    private static final String UNKNOWN = "unknown-token-00000000000000000";

    @TempDir
    Path dataDir;

    private ChatSystem chats;

    @BeforeEach
    void open() {
        chats = ChatSystem.open(ChatConfig.embedded(dataDir));
    }

    @AfterEach
    void close() {
        chats.close();
    }

    @Test
    void aNullArgumentOfTheChatSystemIsInvalidInputNamingIt() {
        List<Map.Entry<String, ThrowingCallable>> calls = List.of(
                Map.entry("afterToken", () -> chats.listApplications(null, 10)),
                Map.entry("page", () -> chats.listChats(UNKNOWN, null)),
                Map.entry("page", () -> chats.listMessages(UNKNOWN, 1, null)),
                Map.entry("token", () -> chats.reindex(null, ReindexListener.NONE)),
                Map.entry("listener", () -> chats.reindex(Optional.of(UNKNOWN), null)),
                Map.entry("key", () -> chats.createApplication("app", null)),
                Map.entry("key", () -> chats.createChat(UNKNOWN, (IdempotencyKey) null)),
                Map.entry("key", () -> chats.createMessage(UNKNOWN, 1, "body", null)));

        assertSoftly(softly -> calls.forEach(call -> softly.assertThatThrownBy(call.getValue())
                .as(call.getKey())
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(call.getKey() + " is required")));
        assertThat(chats.listApplications(Optional.empty(), 10)).isEmpty(); // nothing was created
    }

    @Test
    void aNullOfTheValuesAndConfigurationIsTheirOwnFailure() {
        assertSoftly(softly -> {
            softly.assertThatThrownBy(() -> new IdempotencyKey(null))
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("Idempotency-Key is required");
            softly.assertThatThrownBy(() -> Role.parse(null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("role must be api, worker or all, was null");
            softly.assertThatThrownBy(() -> Role.parse("CHAT_ROLE", null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("CHAT_ROLE must be");
            softly.assertThatThrownBy(() -> ChatConfig.builder().environment(null))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("environment is required");
        });
    }

    @Test
    void searchResultsAreUnmodifiable() {
        String token = chats.createApplication("app").token();
        chats.createChat(token);
        chats.createMessage(token, 1, "What a wonderful day");

        List<Message> found = chats.searchMessages(token, 1, "onderf", 10);

        assertThat(found).hasSize(1);
        assertThatThrownBy(() -> found.add(found.get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> found.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
