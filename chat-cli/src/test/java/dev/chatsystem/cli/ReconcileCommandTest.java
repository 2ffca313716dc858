package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ReconcileReport;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reconcile} on counts that were wrong. The embedded backends keep exact counts, so the corrections come from a
 * stand-in chat system.
 */
class ReconcileCommandTest {
    /** The first two of five corrections: an application's chats_count, then a chat's messages_count. */
    private static final ReconcileReport TRUNCATED = new ReconcileReport(
            List.of(
                    new ReconcileReport.Correction("tok-a", 0, 2, 3),
                    new ReconcileReport.Correction("tok-a", 7, 10, 12)),
            5);

    @TempDir
    Path dir;

    @Test
    void jsonNamesTheCountEachCorrectionCorrectedAndSaysWhenSomeAreNotListed() {
        Cli.Result result = reconcile("--json");

        assertThat(result.code()).as(result.err()).isZero();
        JsonNode json = result.json();
        assertThat(json.get("corrected").asLong()).isEqualTo(5);
        assertThat(json.get("truncated").asBoolean()).isTrue();
        JsonNode application = json.get("corrections").get(0);
        assertThat(application.get("token").asText()).isEqualTo("tok-a");
        assertThat(application.get("chat_number").isNull()).isTrue();
        assertThat(application.get("count").asText()).isEqualTo("chats_count");
        assertThat(application.get("was").asLong()).isEqualTo(2);
        assertThat(application.get("now").asLong()).isEqualTo(3);
        JsonNode chat = json.get("corrections").get(1);
        assertThat(chat.get("chat_number").asLong()).isEqualTo(7);
        assertThat(chat.get("count").asText()).isEqualTo("messages_count");
    }

    @Test
    void theTableShowsTheSameCorrectionsAndHowManyThereWere() {
        Cli.Result result = reconcile();

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out().lines())
                .containsExactly(
                        "TOKEN  CHAT  COUNT           WAS  NOW",
                        "tok-a  -     chats_count     2    3",
                        "tok-a  7     messages_count  10   12",
                        "5 counts corrected; the first 2 are listed");
    }

    private Cli.Result reconcile(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "reconcile";
        args[1] = "--data-dir";
        args[2] = dir.toString();
        System.arraycopy(options, 0, args, 3, options.length);
        return Cli.run(config -> correcting(TRUNCATED), args);
    }

    /** A chat system that answers only a reconciliation and a close. */
    private static ChatSystem correcting(ReconcileReport report) {
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(),
                new Class<?>[] {ChatSystem.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "reconcileCounts" -> report;
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
