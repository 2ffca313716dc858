package dev.chatsystem.http.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code dev.chatsystem.http.Main} in a JVM of its own, on the test classpath, with exactly the {@code CHAT_*}
 * environment given (none inherited), so a test can kill it like an operator would. Its output goes to a log file
 * whose tail is shown when it fails to start.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient PROBE =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Map<String, String> environment;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private Process process;

    private ServerProcess(String name, Map<String, String> environment, Path workDir) {
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.dataDir = workDir.resolve(name + "-data");
        this.log = workDir.resolve(name + ".log");
        this.port = freePort();
    }

    /** Starts a server named {@code name} (for its log file) and waits until {@code /health} answers. */
    static ServerProcess start(String name, Map<String, String> environment, Path workDir) {
        ServerProcess server = new ServerProcess(name, environment, workDir);
        server.launch();
        return server;
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port);
    }

    Path log() {
        return log;
    }

    /** {@code kill -9}: no shutdown hook runs, leases stay taken until they expire. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** {@code kill -TERM}, then waits for the shutdown hook to finish. */
    void stop() {
        process.destroy();
        waitFor();
    }

    /** Starts it again, on the same port and with the same environment, after {@link #kill()} or {@link #stop()}. */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.chatsystem.http.Main",
                "--port",
                Integer.toString(port)));
        if (!environment.containsKey("CHAT_DB_URL")) { // the server refuses a data dir beside the production backends
            command.addAll(List.of("--data-dir", dataDir.toString()));
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("CHAT_"));
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        awaitHealthEndpoint();
    }

    private void awaitHealthEndpoint() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest health = HttpRequest.newBuilder(baseUrl().resolve("/health"))
                .timeout(Duration.ofSeconds(10))
                .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                PROBE.send(health, HttpResponse.BodyHandlers.discarding());
                return; // any status: the server is up, whatever its backends say
            } catch (IOException e) {
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not answer /health within " + START_TIMEOUT + ":\n" + tail());
    }

    private void waitFor() {
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
