package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server's exit status and message for a configuration it cannot start with, in a process of its own. */
class MainTest {
    @TempDir
    Path dir;

    /** Every bad setting alike: exit 2 and one line naming it, no stack trace (exit 1 is for a backend failing). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "CHAT_SHARDS=1025",
                "CHAT_DATA_DIR=afile",
                "CHAT_DATA_DIR=afile/data",
                "CHAT_METRICS_TOKEN=not a secret at all"
            })
    void aBadConfigurationExitsTwoWithOneLine(String setting) throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "not a directory");
        String key = setting.substring(0, setting.indexOf('='));
        String value = setting.substring(setting.indexOf('=') + 1).replace("afile", file.toString());

        Result result = run(Map.of(key, value));

        assertThat(result.code()).as(result.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(result.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("chat-server: ")
                .contains(key.equals("CHAT_DATA_DIR") ? file.toAbsolutePath() + " is" : key)
                .doesNotContain("not a secret");
        assertThat(file).isRegularFile().hasContent("not a directory");
    }

    /** A setting only opening finds wrong is still a setting to fix: exit 2 and one line, not a stack trace. */
    @org.junit.jupiter.api.Test
    void aConfigurationErrorFoundWhileOpeningExitsTwoWithOneLine() throws Exception {
        Result result = run(Map.of("CHAT_DATA_DIR", dir.resolve("a;b").toString()));

        assertThat(result.code()).as(result.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(result.err().lines().toList())
                .singleElement()
                .asString()
                .startsWith("chat-server: ")
                .contains("must not contain ';'");
    }

    private record Result(int code, String err) {}

    private Result run(Map<String, String> environment) throws IOException, InterruptedException {
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "--port",
                "0");
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().keySet().removeIf(key -> key.startsWith("CHAT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not exit: " + err);
        }
        return new Result(process.exitValue(), err);
    }
}
