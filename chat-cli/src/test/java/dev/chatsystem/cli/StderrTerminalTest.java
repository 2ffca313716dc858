package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress bars are drawn only when stderr itself is a terminal, as /proc/self/fd/2 tells. */
class StderrTerminalTest {
    @TempDir
    Path dir;

    @Test
    void aTerminalIsAPseudoTerminalOrATty() throws IOException {
        assertThat(Main.isTerminal(link("pts", "/dev/pts/3"))).isTrue();
        assertThat(Main.isTerminal(link("tty", "/dev/tty1"))).isTrue();
    }

    @Test
    void aRedirectedStderrIsNotATerminal() throws IOException {
        assertThat(Main.isTerminal(link("file", "/var/log/reindex.log"))).isFalse();
        assertThat(Main.isTerminal(link("pipe", "pipe:[40213]"))).isFalse();
        assertThat(Main.isTerminal(link("null", "/dev/null"))).isFalse();
        assertThat(Main.isTerminal(Files.createFile(dir.resolve("not-a-link")))).isFalse();
        assertThat(Main.isTerminal(dir.resolve("missing"))).isFalse();
        // this JVM's stderr is the build's pipe or file, whatever System.console() says
        assertThat(Main.isTerminal(Path.of("/proc/self/fd/2"))).isFalse();
    }

    private Path link(String name, String target) throws IOException {
        return Files.createSymbolicLink(dir.resolve(name), Path.of(target));
    }
}
