package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

    /** It holds every token, the only credential for an application's data, and every message. */
    @Test
    void aNewDataDirAndTheIndexInItAreOwnerOnly() throws IOException {
        assumePosix();
        Path data = dir.resolve("missing-parent").resolve("data");

        ChatSystem.open(ChatConfig.embedded(data)).close();

        assertThat(permissions(data)).isEqualTo("rwx------");
        assertThat(permissions(data.resolve("index"))).isEqualTo("rwx------");
    }

    @Test
    void migratingCreatesTheDataDirOwnerOnlyToo() throws IOException {
        assumePosix();
        Path data = dir.resolve("data");

        ChatSystem.migrate(ChatConfig.embedded(data));

        assertThat(permissions(data)).isEqualTo("rwx------");
    }

    /** Every data dir made before was open to other users: the process closes its own. */
    @Test
    void anExistingDataDirOpenToOtherUsersIsClosed() throws IOException {
        assumePosix();
        Path data = Files.createDirectory(
                dir.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxr-x")); // past the umask

        ChatSystem.open(ChatConfig.embedded(data)).close();

        assertThat(permissions(data)).isEqualTo("rwx------");
    }

    private void assumePosix() {
        assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
