package dev.chatsystem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool's own logging configuration, in its own JVM (the tests' JVM logs through chat-core's test configuration):
 * a warning that repeats what a command prints is left out unless {@code --verbose}, one that nothing else says is not.
 */
class QuietLogsTest {
    private static final Map<String, String> UNREACHABLE_ELASTICSEARCH =
            Map.of("CHAT_ELASTICSEARCH_URL", "http://127.0.0.1:1");

    @TempDir
    Path dir;

    @BeforeEach
    void dataDir() {
        assertThat(Cli.run("migrate", "--data-dir", dir.toString()).code()).isZero();
    }

    @Test
    void doctorPrintsAnUnreachableBackendAsItsRowNotAlsoAsAWarning() throws Exception {
        Run run = chatCli(UNREACHABLE_ELASTICSEARCH, "doctor", "--data-dir", dir.toString());

        assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.out()).contains("search", "FAIL", "Connection refused");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void verboseStillLogsTheBackendsWarnings() throws Exception {
        Run run = chatCli(UNREACHABLE_ELASTICSEARCH, "doctor", "--verbose", "--data-dir", dir.toString());

        assertThat(run.code()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err()).contains("WARN", "ElasticsearchSearchIndex", "is unavailable");
    }

    /** Nothing but this warning says that the data dir was open to other local users and no longer is. */
    @Test
    void aDataDirOpenToOtherUsersIsStillWarnedAbout() throws Exception {
        Assumptions.assumeTrue(
                Files.getFileStore(dir).supportsFileAttributeView("posix"), "no POSIX file permissions here");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        Run run = chatCli(Map.of(), "app", "list", "--data-dir", dir.toString());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err()).contains("WARN", "was open to other local users (rwxr-xr-x)", "it is now rwx------");
    }

    /**
     * Nothing else says that a full reindex, which indexed every document, left the index's layout unrecorded (every
     * process then warns of an older layout until the next one); the same class's warning of an Elasticsearch that
     * {@code doctor} shows unreachable stays out.
     */
    @Test
    void aRebuildWhoseLayoutWasNotRecordedIsWarnedAbout() throws Exception {
        Run run = java(RebuiltWithoutRecordingTheLayout.class, Map.of());

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.err().lines())
                .singleElement()
                .asString()
                .contains("WARN", "every document is indexed, but the index layout could not be recorded");
    }

    /** A rebuild's end on an Elasticsearch that no longer answers, as {@code chat-cli reindex} would reach it. */
    static final class RebuiltWithoutRecordingTheLayout {
        public static void main(String[] args) {
            try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(
                    URI.create(UNREACHABLE_ELASTICSEARCH.get("CHAT_ELASTICSEARCH_URL")), "chat-messages")) {
                index.rebuilt();
            }
        }
    }

    record Run(int code, String out, String err) {}

    /** {@link Main} in a JVM of its own, on chat-cli's logback.xml and {@code environment} for the CHAT_* variables. */
    private static Run chatCli(Map<String, String> environment, String... args) throws Exception {
        return java(Main.class, environment, args);
    }

    /** {@code main} in a JVM of its own, on chat-cli's logback.xml and {@code environment} for the CHAT_* variables. */
    private static Run java(Class<?> main, Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Main.class.getResource("/logback.xml"),
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(key -> key.startsWith("CHAT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(main.getSimpleName() + " did not exit within 60 s");
        }
        return new Run(process.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
