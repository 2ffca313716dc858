package dev.chatsystem.cli;

import dev.chatsystem.core.ChatConfig;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.DataDir;
import dev.chatsystem.core.Health;
import dev.chatsystem.core.MetricsToken;
import dev.chatsystem.core.Role;
import dev.chatsystem.core.ServerPort;
import dev.chatsystem.core.ServiceLinks;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.LongSupplier;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What commands need from the outside world: the global options, the environment, how to open a
 * {@link ChatSystem} (or migrate its store, or check its backends one by one), whether output goes to a terminal and a
 * clock. Built once by {@link Main}.
 */
final class CliContext {
    /** The server's own variables, beside the library's: the CLI does not use them, but checks them as it does. */
    private static final Set<String> SERVER_KEYS = Set.of(ServerPort.ENVIRONMENT_KEY, MetricsToken.ENVIRONMENT_KEY);

    private final GlobalOptions options = new GlobalOptions();
    private final Map<String, String> environment;
    private final Function<ChatConfig, ChatSystem> opener;
    private final Function<ChatConfig, String> migrator;
    private final Function<ChatConfig, Health> checker;
    private final boolean terminal;
    private final LongSupplier nanoTime;

    CliContext(
            Map<String, String> environment,
            Function<ChatConfig, ChatSystem> opener,
            Function<ChatConfig, String> migrator,
            Function<ChatConfig, Health> checker,
            boolean terminal,
            LongSupplier nanoTime) {
        this.environment = Map.copyOf(environment);
        this.opener = Objects.requireNonNull(opener, "opener");
        this.migrator = Objects.requireNonNull(migrator, "migrator");
        this.checker = Objects.requireNonNull(checker, "checker");
        this.terminal = terminal;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    GlobalOptions options() {
        return options;
    }

    /**
     * Defaults, then the {@code CHAT_*} environment, then flags: the same order as the server. A {@code CHAT_*}
     * variable the library does not know is refused, so a misspelt one cannot silently select the wrong backend.
     * The environment is checked as the server checks it, {@code CHAT_PORT} and {@code CHAT_METRICS_TOKEN} included
     * (the CLI uses neither), before the CLI's own settings replace any of it: a doctor that passed a setting the
     * servers refuse to start with would send the operator looking elsewhere.
     */
    ChatConfig config() {
        List<String> unknown = environment.keySet().stream()
                .filter(key -> key.startsWith("CHAT_"))
                .filter(key -> !ChatConfig.ENVIRONMENT_KEYS.contains(key) && !SERVER_KEYS.contains(key))
                .filter(key -> !ServiceLinks.isServiceLink(environment, key))
                .sorted()
                .toList();
        if (!unknown.isEmpty()) {
            Set<String> known = new TreeSet<>(ChatConfig.ENVIRONMENT_KEYS);
            known.addAll(SERVER_KEYS);
            throw new ConfigurationException("unknown environment variable " + String.join(", ", unknown)
                    + "; known are " + String.join(", ", known));
        }
        ServerPort.fromEnvironment(environment);
        MetricsToken.fromEnvironment(environment);
        ChatConfig.Builder builder = ChatConfig.builder().environment(environment).build().toBuilder();
        options.dataDir().ifPresent(dir -> {
            if (dir.toString().isBlank()) { // an unset shell variable: not the current directory
                throw new ConfigurationException("--data-dir is empty");
            }
            builder.dataDir(dir);
        });
        // An admin command never drains the write queue nor reconciles on a timer, whatever the shared environment
        // gives the servers; `reconcile` runs it on demand. Nor creates or alters the Elasticsearch index, embedded
        // form too: a mistyped CHAT_ELASTICSEARCH_INDEX is reported missing, not created empty, and a newer chat-cli
        // leaves the mapping of the servers' version alone. Only a full `reindex` creates what it needs (the fix for a
        // missing index); `migrate` opens no index at all. Nor rebuilds an incomplete embedded index at open, which
        // took minutes without a word before any command ran: doctor, stats and search warn instead, and `reindex`
        // rebuilds it with progress (at open it would rebuild it twice, the first time silently).
        builder.reconcileInterval(java.time.Duration.ZERO)
                .maintainsSearchIndex(false)
                .rebuildIndexAtOpen(false);
        ChatConfig config = builder.build();
        DataDir.requireEmbeddedWhenAsked(config, options.dataDir().isPresent());
        // A file where the data dir goes is a configuration problem, so doctor reports it as its config check.
        DataDir.requireNoFileInTheWay(config, "--data-dir or CHAT_DATA_DIR");
        // Nor, on the production backends, upgrades the schema but for migrate itself: a newer chat-cli run to look at
        // a deployment would migrate it under the running servers of the older version. (An embedded data dir has
        // one process at a time.) Nor records its shard count: the servers' decides.
        return config.production()
                ? config.toBuilder()
                        .role(Role.API)
                        .migrateSchema(false)
                        .maintainsRedis(false)
                        .build()
                : config;
    }

    /**
     * Opens the chat system; the caller closes it. An embedded data dir must exist: opening creates one, so a mistyped
     * {@code --data-dir} would otherwise show an empty system (every check ok, no applications, "indexed 0") as if
     * the data were gone. Only {@link #migrate} makes a new one.
     */
    ChatSystem open() {
        ChatConfig config = config();
        if (!config.production() && !Files.isDirectory(config.dataDir())) {
            throw new ConfigurationException("data dir " + config.dataDir().toAbsolutePath()
                    + " does not exist; check --data-dir or CHAT_DATA_DIR, or run chat-cli migrate to create it");
        }
        return opener.apply(config);
    }

    /** Migrates the store alone, creating an embedded data dir that does not exist yet; the schema version. */
    String migrate() {
        return migrator.apply(config());
    }

    /**
     * Each backend of {@code config} on its own ({@link ChatSystem#checkBackends}), for doctor when {@link #open}
     * fails: that names only the first backend it could not use.
     */
    Health checkBackends(ChatConfig config) {
        return checker.apply(config);
    }

    Output output(CommandSpec spec) {
        return new Output(spec.commandLine().getOut(), options.json());
    }

    Progress progress(CommandSpec spec) {
        return new Progress(spec.commandLine().getErr(), terminal, nanoTime);
    }
}
