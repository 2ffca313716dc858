package dev.chatsystem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Runs the admin tool in-process, as {@code java -jar chat-cli.jar} would, capturing stdout and stderr. */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Cli() {}

    record Result(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new UncheckedIOException("stdout is not JSON: " + out, e);
            }
        }
    }

    static Result run(String... args) {
        return run(Map.of(), args);
    }

    static Result run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        return run(environment, ChatSystem::open, out, out::toString, args);
    }

    /** Runs with {@code opener} in place of {@link ChatSystem#open}, for states the real backends cannot be put in. */
    static Result run(Function<ChatConfig, ChatSystem> opener, String... args) {
        StringWriter out = new StringWriter();
        return run(Map.of(), opener, out, out::toString, args);
    }

    /** Runs in {@code environment} with {@code opener} in place of {@link ChatSystem#open}. */
    static Result run(Map<String, String> environment, Function<ChatConfig, ChatSystem> opener, String... args) {
        StringWriter out = new StringWriter();
        return run(environment, opener, out, out::toString, args);
    }

    /** Runs with a stdout that cannot be written, as a full disk or a closed pipe would be. */
    static Result runWithUnwritableOutput(String... args) {
        Writer full = new Writer() {
            @Override
            public void write(char[] chars, int offset, int length) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public void close() {}
        };
        return run(Map.of(), ChatSystem::open, full, () -> "", args);
    }

    private static Result run(
            Map<String, String> environment,
            Function<ChatConfig, ChatSystem> opener,
            Writer out,
            Supplier<String> printed,
            String... args) {
        CliContext context = new CliContext(
                environment, opener, ChatSystem::migrate, ChatSystem::checkBackends, false, System::nanoTime);
        CommandLine commandLine = Main.commandLine(context);
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, printed.get(), err.toString());
    }
}
