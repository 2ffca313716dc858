package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link Main} in its own JVM, with stdout somewhere that refuses writes: only there is it System.out's
 * stream (which swallows I/O errors) that the tool writes to, as in {@code chat-cli app create X >/dev/full}.
 */
class StdoutFailureTest {
    private static final File FULL = new File("/dev/full");

    @TempDir
    Path dir;

    @BeforeEach
    void dataDir() {
        assertThat(Cli.run("migrate", "--data-dir", dir.toString()).code()).isZero();
    }

    @Test
    void aCommandWhoseOutputCannotBeWrittenFails() throws Exception {
        Assumptions.assumeTrue(FULL.exists(), "no /dev/full");

        Process process = java("--data-dir", dir.toString(), "app", "create", "Support")
                .redirectOutput(ProcessBuilder.Redirect.to(FULL))
                .start();

        assertThat(exitCode(process)).isEqualTo(ExitCodes.FAILURE);
        assertThat(stderr(process)).contains("could not write the output");
    }

    @Test
    void theUsageOrVersionThatCannotBeWrittenFailsToo() throws Exception {
        Assumptions.assumeTrue(FULL.exists(), "no /dev/full");

        Process process = java("--version")
                .redirectOutput(ProcessBuilder.Redirect.to(FULL))
                .start();

        assertThat(exitCode(process)).isEqualTo(ExitCodes.FAILURE);
        assertThat(stderr(process)).contains("could not write the output");
    }

    @Test
    void aClosedPipeFails() throws Exception {
        Process process = java("--data-dir", dir.toString(), "--json", "app", "create", "Support")
                .start();
        // Closed long before the new JVM has opened the data dir and printed, as `| true` would be.
        process.getInputStream().close();

        assertThat(exitCode(process)).isEqualTo(ExitCodes.FAILURE);
        assertThat(stderr(process)).contains("could not write the output");
    }

    private static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    private static int exitCode(Process process) throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("chat-cli did not exit within 60 s");
        }
        return process.exitValue();
    }

    private static String stderr(Process process) throws IOException {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
