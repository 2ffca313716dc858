package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirTest {
    @TempDir
    Path dir;

    @Test
    void aDataDirThatIsARegularFileIsAConfigurationError() throws IOException {
        Path file = Files.writeString(dir.resolve("chat-data"), "not a directory");
        ChatConfig config = ChatConfig.embedded(file);

        assertThatThrownBy(() -> ChatSystem.open(config).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("data dir " + file.toAbsolutePath() + " is not a directory");
        assertThatThrownBy(() -> ChatSystem.migrate(config))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("is not a directory");
    }

    @Test
    void aDataDirInsideARegularFileIsAConfigurationErrorNamingTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("somefile"), "not a directory");
        ChatConfig config = ChatConfig.embedded(file.resolve("data"));
        String saying = "data dir " + file.resolve("data").toAbsolutePath() + " cannot be created: "
                + file.toAbsolutePath() + " is a file, not a directory";

        assertThatThrownBy(() -> ChatSystem.open(config).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(saying);
        assertThatThrownBy(() -> ChatSystem.migrate(config))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(saying);
    }
}
