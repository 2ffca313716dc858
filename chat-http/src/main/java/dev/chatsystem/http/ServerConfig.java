package dev.chatsystem.http;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.DataDir;
import dev.chatsystem.core.MetricsToken;
import dev.chatsystem.core.Role;
import dev.chatsystem.core.ServerPort;
import dev.chatsystem.core.ServiceLinks;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How to run the HTTP server: the port and the library configuration. Loaded as defaults, then {@code CHAT_*}
 * environment variables, then command-line flags; every problem is reported as a {@link ConfigurationException}
 * whose message names the offending key.
 *
 * @param port the TCP port to listen on, 0..65535 (0 picks a free port)
 * @param chat the configuration of the chat system
 * @param metricsToken the bearer token {@code /metrics} requires ({@link MetricsToken}); empty: public
 */
public record ServerConfig(int port, ChatConfig chat, Optional<String> metricsToken) {
    public static final int DEFAULT_PORT = ServerPort.DEFAULT;

    /** Environment variables the server reads itself, on top of {@link ChatConfig#ENVIRONMENT_KEYS}. */
    public static final Set<String> ENVIRONMENT_KEYS = Set.of(ServerPort.ENVIRONMENT_KEY, MetricsToken.ENVIRONMENT_KEY);

    public static final String USAGE = """
            Usage: java -jar chat-server.jar [--port N] [--data-dir DIR] [--role api|worker|all]
              --port N          TCP port to listen on, 0..65535 (env CHAT_PORT, default 8080)
              --data-dir DIR    where the embedded backends keep their files (env CHAT_DATA_DIR, default ./chat-data)
              --role ROLE       api (serve requests), worker (drain the queue) or all (env CHAT_ROLE, default all);
                                api and worker need the production backends (CHAT_DB_URL, CHAT_REDIS_URL,
                                CHAT_ELASTICSEARCH_URL)
              --help            print this help
            With CHAT_METRICS_TOKEN set (16+ visible ASCII characters), GET /metrics needs it as a bearer token.
            """;

    public ServerConfig {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(metricsToken, "metricsToken");
        if (port < 0 || port > 65_535) {
            throw new ConfigurationException("port must be between 0 and 65535, was " + port);
        }
    }

    /** With {@code /metrics} open to anyone. */
    public ServerConfig(int port, ChatConfig chat) {
        this(port, chat, Optional.empty());
    }

    /** The configuration without the metrics token, so that logging it leaks nothing. */
    @Override
    public String toString() {
        return "ServerConfig[port=" + port + ", chat=" + chat + ", metricsToken="
                + metricsToken.map(token -> "(set)").orElse("(none: /metrics is public)") + "]";
    }

    /**
     * Loads the configuration from {@code environment} and {@code args}.
     *
     * @throws ConfigurationException naming the key, for an unknown {@code CHAT_*} variable, an unknown flag, a flag
     *     without its value or a value out of range; naming the file, for an embedded data dir a file stands in the
     *     way of
     */
    public static ServerConfig load(Map<String, String> environment, List<String> args) {
        rejectUnknownEnvironment(environment);
        ChatConfig.Builder chat = ChatConfig.builder().environment(environment);
        int port = ServerPort.fromEnvironment(environment);
        Optional<String> metricsToken = MetricsToken.fromEnvironment(environment);
        boolean dataDirAsked = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value;
            if (arg.contains("=")) {
                value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.size() && isValueFlag(flag)) {
                value = args.get(++i);
            } else {
                value = null;
            }
            switch (flag) {
                case "--port" -> port = ServerPort.parse("--port", requireValue(flag, value));
                case "--data-dir" -> {
                    chat.dataDir(parseDataDir(requireValue(flag, value)));
                    dataDirAsked = true;
                }
                case "--role" -> chat.role(Role.parse(flag, requireValue(flag, value)));
                default -> throw new ConfigurationException("unknown option " + flag + "\n" + USAGE);
            }
        }
        ChatConfig built = chat.build();
        DataDir.requireEmbeddedWhenAsked(built, dataDirAsked);
        // Here, not when the system opens: the server then exits 2 with one line, as for any other bad setting.
        DataDir.requireNoFileInTheWay(built, "CHAT_DATA_DIR or --data-dir");
        return new ServerConfig(port, built, metricsToken);
    }

    private static boolean isValueFlag(String flag) {
        return flag.equals("--port") || flag.equals("--data-dir") || flag.equals("--role");
    }

    private static void rejectUnknownEnvironment(Map<String, String> environment) {
        Set<String> known = new HashSet<>(ChatConfig.ENVIRONMENT_KEYS);
        known.addAll(ENVIRONMENT_KEYS);
        Set<String> unknown = new TreeSet<>();
        for (String key : environment.keySet()) {
            if (key.startsWith("CHAT_") && !known.contains(key) && !ServiceLinks.isServiceLink(environment, key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConfigurationException("unknown environment variable " + String.join(", ", unknown)
                    + "; known CHAT_* variables are " + new TreeSet<>(known));
        }
    }

    private static String requireValue(String flag, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException(flag + " needs a value\n" + USAGE);
        }
        return value;
    }

    private static Path parseDataDir(String value) {
        try {
            return Path.of(value);
        } catch (RuntimeException e) {
            throw new ConfigurationException("--data-dir is not a valid path: '" + value + "'", e);
        }
    }
}
