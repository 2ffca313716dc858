package dev.chatsystem.http;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.ChatException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ConfigurationException;
import io.javalin.Javalin;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of the server: loads the configuration, opens the chat system, starts the HTTP server and
 * stops both, in reverse order, when the JVM shuts down.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /**
     * Lucene warns through java.util.logging, on every start, that the incubating vector module is not enabled. The
     * server does no vector search, so the warning is noise; a strong reference keeps the level from being lost.
     */
    private static final java.util.logging.Logger LUCENE_VECTORS =
            java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

    /** Exit status for a configuration the server cannot start with. */
    static final int EXIT_USAGE = 2;

    /** Exit status when a backend cannot be opened. */
    static final int EXIT_FAILURE = 1;

    private Main() {}

    public static void main(String[] args) {
        LUCENE_VECTORS.setLevel(java.util.logging.Level.SEVERE);
        List<String> arguments = List.of(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.print(ServerConfig.USAGE);
            return;
        }
        ServerConfig config;
        try {
            config = ServerConfig.load(System.getenv(), arguments);
        } catch (ChatException e) {
            System.err.println("chat-server: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        try {
            run(config);
        } catch (ConfigurationException e) {
            // Found only while opening (a data dir in use or with ';' in its path, a URL the driver cannot parse,
            // CHAT_SHARDS against the count Redis records): still a setting to fix, said as the ones above are.
            System.err.println("chat-server: " + e.getMessage());
            System.exit(EXIT_USAGE);
        } catch (ChatException e) {
            LOG.error("chat-server could not start: {}", e.getMessage(), e);
            System.exit(EXIT_FAILURE);
        } catch (RuntimeException | Error e) {
            // Exit, not return: the writer and indexer threads an embedded open started are not daemons, and the JVM
            // would wait for them with no server and no exit code for a restart policy to see.
            LOG.error("chat-server could not start", e);
            System.exit(EXIT_FAILURE);
        }
    }

    private static void run(ServerConfig config) {
        // The meters come first: the workers start reporting to them as soon as the chat system opens.
        ServerMetrics metrics = ServerMetrics.create(MetricsAccess.of(config.metricsToken()));
        ChatSystem chatSystem;
        try {
            chatSystem = ChatSystem.open(metrics.instrument(config.chat()));
        } catch (RuntimeException | Error e) {
            metrics.close();
            throw e;
        }
        Javalin server;
        try {
            server = listen(chatSystem, metrics, config.port());
        } catch (RuntimeException | Error e) {
            metrics.close();
            chatSystem.close();
            throw e;
        }
        LOG.info("chat-server listening on http://0.0.0.0:{} ({})", server.port(), backends(chatSystem));
    }

    /**
     * Creates the server and starts it, its shutdown hook registered before it listens: a stop signal the moment it
     * answers its first request must still drain the requests in flight and close the chat system. The hook is removed
     * again when the start fails, as the caller closes everything itself then.
     */
    private static Javalin listen(ChatSystem chatSystem, ServerMetrics metrics, int port) {
        Javalin server = ChatServer.create(chatSystem, metrics);
        Thread shutdown = new Thread(() -> stop(server, chatSystem), "chat-server-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            return server.start(port);
        } catch (RuntimeException | Error e) {
            removeHook(shutdown);
            throw e;
        }
    }

    private static void removeHook(Thread shutdown) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdown);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook stops the server and closes the chat system itself.
        }
    }

    private static String backends(ChatSystem chatSystem) {
        return chatSystem.health().backends().stream()
                .map((BackendStatus b) -> b.name() + "=" + b.kind())
                .collect(Collectors.joining(", "));
    }

    private static void stop(Javalin server, ChatSystem chatSystem) {
        try {
            server.stop();
        } catch (RuntimeException e) {
            LOG.warn("the HTTP server did not stop cleanly", e);
        } finally {
            chatSystem.close();
            LOG.info("chat-server stopped");
        }
    }
}
