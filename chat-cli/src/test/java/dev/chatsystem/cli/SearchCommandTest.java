package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.PageRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code search} answers as many hits by default as the HTTP API does. */
class SearchCommandTest {
    @TempDir
    Path dir;

    @Test
    void theDefaultLimitIsTheApisDefaultPageSize() {
        String token;
        try (ChatSystem system = ChatSystem.open(ChatConfig.embedded(dir))) {
            token = system.createApplication("Support").token();
            system.createChat(token);
            for (int n = 0; n <= PageRequest.DEFAULT_LIMIT; n++) {
                system.createMessage(token, 1, "printer " + n);
            }
        }

        Cli.Result result = Cli.run("--json", "search", token, "1", "printer", "--data-dir", dir.toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.json()).hasSize(PageRequest.DEFAULT_LIMIT);
        assertThat(Cli.run("search", "--help").out()).contains("(default: " + PageRequest.DEFAULT_LIMIT + ")");
    }
}
