package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
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
 * The real {@link Main} in its own JVM, with stdout (or stderr) somewhere that refuses writes: only there is it
 * System.out's stream (which swallows I/O errors) that the tool writes to, as in {@code chat-cli app create X
 * >/dev/full} or {@code chat-cli reindex 2>/dev/full}.
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

    /** Reindex's progress goes to stderr: lost there, the run is not reported a success, the result printed or not. */
    @Test
    void aCommandWhoseStderrCannotBeWrittenFails() throws Exception {
        Assumptions.assumeTrue(FULL.exists(), "no /dev/full");

        Process process = java("--data-dir", dir.toString(), "reindex")
                .redirectError(ProcessBuilder.Redirect.to(FULL))
                .start();

        assertThat(exitCode(process)).isEqualTo(ExitCodes.FAILURE);
        assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("indexed");
    }

    /** The writer given to picocli as stderr is checked itself, not only System.err (where the logs go). */
    @Test
    void aLineLostOnTheErrorWriterFailsTheRun() {
        PrintWriter err = new PrintWriter(
                new Writer() {
                    @Override
                    public void write(char[] chars, int offset, int length) throws IOException {
                        throw new IOException("No space left on device");
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                },
                true);
        err.println("reindex: 1/1 messages (100%)");
        PrintStream logs = new PrintStream(OutputStream.nullOutputStream());

        assertThat(Main.writtenOrFailed(ExitCodes.OK, new PrintWriter(new StringWriter()), err, logs))
                .isEqualTo(ExitCodes.FAILURE);
        assertThat(Main.writtenOrFailed(ExitCodes.USAGE, new PrintWriter(new StringWriter()), err, logs))
                .isEqualTo(ExitCodes.USAGE);
    }

    /** A failure whose message cannot be written keeps its own code: not 0, and not turned into another. */
    @Test
    void aFailureWhoseMessageCannotBeWrittenKeepsItsCode() throws Exception {
        Assumptions.assumeTrue(FULL.exists(), "no /dev/full");

        Process failure = java("--data-dir", dir.resolve("missing").toString(), "app", "list")
                .redirectError(ProcessBuilder.Redirect.to(FULL))
                .start();
        Process usage = java("app", "list", "--limit", "0")
                .redirectError(ProcessBuilder.Redirect.to(FULL))
                .start();

        assertThat(exitCode(failure)).isEqualTo(ExitCodes.CONFIGURATION);
        assertThat(exitCode(usage)).isEqualTo(ExitCodes.USAGE);
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
