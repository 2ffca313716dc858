package dev.chatsystem.core;

import static dev.chatsystem.core.ConfigValidation.MAX_QUEUE_SHARD_ENTRIES;
import static dev.chatsystem.core.ConfigValidation.MAX_QUEUE_SHARD_MIB;
import static dev.chatsystem.core.ConfigValidation.MIB;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How to open a {@link ChatSystem}: an immutable value, validated when built.
 *
 * <p>With no URL set, everything is embedded in {@code dataDir}. The production form needs the database and Redis
 * together (numbers must be shared by every instance that writes to the database) and Elasticsearch with them (a
 * local index cannot be shared); Elasticsearch alone may replace the embedded index of a single process.
 *
 * @param dataDir where the embedded backends keep their files
 * @param database the production store, when set
 * @param redisUrl the Redis server that numbers and queues writes, when set ({@code redis://host:port})
 * @param elasticsearchUrl the Elasticsearch server that indexes messages, when set ({@code http://host:port})
 * @param elasticsearchIndex the index messages go to on that server (default {@code chat-messages}); deployments
 *     sharing one Elasticsearch cluster need one each, since a full reindex empties it
 * @param role whether this process serves the API, runs the queue workers, or both (production form only)
 * @param shards how many queue streams writes are spread over (by application); every instance must agree
 * @param queueShardMaxEntries how many writes one shard's Redis stream may hold before creates and edits to it are
 *     refused with {@link BackendUnavailableException} (production form; exact)
 * @param queueShardMaxBytes how many bytes one shard's Redis stream may take before writes to it are refused the same
 *     way (production form; measured twice a second, so every API instance may pass it by what it accepts between two
 *     measurements)
 * @param writeQueueCapacity how many accepted writes may wait for the embedded writer before creates are refused;
 *     bounds memory (the production queue has its own per-shard bound in Redis)
 * @param writeBatchSize how many writes are committed in one transaction at most
 * @param idempotencyRetention how long an {@link IdempotencyKey} is remembered (default 24 hours)
 * @param reconcileInterval how often a process that runs workers recomputes the stored counts as a safety net
 *     (default 1 hour; zero turns it off). With Redis, one instance runs it per interval.
 * @param workerListener receives the batches the workers handle and the reconciliations (default {@link
 *     WorkerListener#NONE})
 * @param migrateSchema whether opening applies the store's pending schema migrations (default); without, a schema
 *     that is behind is refused with {@link ConfigurationException}, for processes that must not upgrade it under
 *     servers of the older version (the admin tool on the production backends, but for its migrate command)
 * @param maintainsRedis whether this process keeps Redis' shared state (default): records its {@code shards} when none
 *     is recorded, and reseeds a Redis found behind the store. Without, it only compares and refuses, so that an
 *     admin tool run from a shell with another {@code CHAT_SHARDS} cannot record a count the servers then disagree
 *     with, nor start a reseed that its exit cuts short
 * @param maintainsSearchIndex whether this process creates the Elasticsearch index and its template when missing and
 *     adds fields to its mapping (default). Without, only a full reindex does: for admin tools that only look, so that
 *     a mistyped index name is reported missing, not created, nor a mapping altered under servers of an older version.
 *     Nor does the embedded form's open rebuild an Elasticsearch index its data dir marks incomplete: its health warns
 *     instead, until a full reindex
 * @param rebuildIndexAtOpen whether opening the embedded form rebuilds from the store, before it returns, a search
 *     index it finds incomplete: not closed cleanly, of an older layout, missing writes or a rebuild that did not
 *     finish (default). That takes as long as a full {@link ChatSystem#reindex}, minutes on a large store. Without,
 *     the index is searched as it is and may miss messages, which {@link ChatSystem#health} warns of until a full
 *     reindex: for admin tools, which must not run a long rebuild unasked. An index over a store holding no messages
 *     is rebuilt all the same (it takes no time). The production form never rebuilds at open
 */
public record ChatConfig(
        Path dataDir,
        Optional<Database> database,
        Optional<URI> redisUrl,
        Optional<URI> elasticsearchUrl,
        String elasticsearchIndex,
        Role role,
        int shards,
        long queueShardMaxEntries,
        long queueShardMaxBytes,
        int writeQueueCapacity,
        int writeBatchSize,
        java.time.Duration idempotencyRetention,
        java.time.Duration reconcileInterval,
        WorkerListener workerListener,
        boolean migrateSchema,
        boolean maintainsRedis,
        boolean maintainsSearchIndex,
        boolean rebuildIndexAtOpen) {

    /** Environment variables this config reads; shells reject other {@code CHAT_*} names they do not know. */
    public static final Set<String> ENVIRONMENT_KEYS = Set.of(
            "CHAT_DATA_DIR",
            "CHAT_DB_URL",
            "CHAT_DB_USER",
            "CHAT_DB_PASSWORD",
            "CHAT_REDIS_URL",
            "CHAT_ELASTICSEARCH_URL",
            "CHAT_ELASTICSEARCH_INDEX",
            "CHAT_ROLE",
            "CHAT_SHARDS",
            "CHAT_QUEUE_SHARD_MAX_ENTRIES",
            "CHAT_QUEUE_SHARD_MAX_MB",
            "CHAT_IDEMPOTENCY_RETENTION",
            "CHAT_RECONCILE_INTERVAL");

    /** The default {@link #elasticsearchIndex}. */
    public static final String DEFAULT_ELASTICSEARCH_INDEX = "chat-messages";

    /** A JDBC connection to the production database. The password is never printed. */
    public record Database(String url, String user, String password) {
        public Database {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (url.startsWith("jdbc:mariadb:")) {
                // Only MySQL Connector/J is bundled; it speaks to MariaDB too, so the fix is the scheme alone.
                throw new ConfigurationException("CHAT_DB_URL must be a jdbc:mysql:// URL, was " + Urls.redact(url)
                        + ": the MariaDB driver is not included, use jdbc:mysql:// (it works against MariaDB)");
            }
            if (!url.startsWith("jdbc:mysql:")) {
                throw new ConfigurationException("CHAT_DB_URL must be a jdbc:mysql:// URL, was " + Urls.redact(url));
            }
        }

        @Override
        public String toString() {
            return "Database[url=" + Urls.redact(url) + ", user=" + user + "]";
        }
    }

    public ChatConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(redisUrl, "redisUrl");
        Objects.requireNonNull(elasticsearchUrl, "elasticsearchUrl");
        Objects.requireNonNull(elasticsearchIndex, "elasticsearchIndex");
        ConfigValidation.requireIndexName(elasticsearchIndex);
        Objects.requireNonNull(role, "role");
        ConfigValidation.requireBetween("shards (CHAT_SHARDS)", shards, 1, 1024);
        ConfigValidation.requireQueueShardBounds(queueShardMaxEntries, queueShardMaxBytes);
        ConfigValidation.requireBetween("writeQueueCapacity", writeQueueCapacity, 1, 10_000_000);
        ConfigValidation.requireBetween("writeBatchSize", writeBatchSize, 1, 10_000);
        Objects.requireNonNull(idempotencyRetention, "idempotencyRetention");
        ConfigValidation.requireIdempotencyRetention(idempotencyRetention);
        Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        ConfigValidation.requireReconcileInterval(reconcileInterval);
        Objects.requireNonNull(workerListener, "workerListener");
        ConfigValidation.requireBackends(database, redisUrl, elasticsearchUrl, role);
    }

    /** The configuration with the URLs' passwords hidden, so that logging it leaks none. */
    @Override
    public String toString() {
        return "ChatConfig[dataDir=" + dataDir + ", database=" + database + ", redisUrl=" + redisUrl.map(Urls::redact)
                + ", elasticsearchUrl=" + elasticsearchUrl.map(Urls::redact) + ", elasticsearchIndex="
                + elasticsearchIndex + ", role=" + role + ", shards=" + shards
                + ", queueShardMaxEntries=" + queueShardMaxEntries + ", queueShardMaxBytes=" + queueShardMaxBytes
                + ", writeQueueCapacity=" + writeQueueCapacity + ", writeBatchSize=" + writeBatchSize
                + ", idempotencyRetention=" + idempotencyRetention + ", reconcileInterval=" + reconcileInterval
                + ", workerListener=" + workerListener + ", migrateSchema=" + migrateSchema
                + ", maintainsRedis=" + maintainsRedis + ", maintainsSearchIndex=" + maintainsSearchIndex
                + ", rebuildIndexAtOpen=" + rebuildIndexAtOpen + "]";
    }

    /** The embedded default: everything in {@code dataDir}, no servers needed. */
    public static ChatConfig embedded(Path dataDir) {
        return builder().dataDir(dataDir).build();
    }

    /** True when the store, numbering and queue are the production backends. */
    public boolean production() {
        return database.isPresent();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder()
                .dataDir(dataDir)
                .elasticsearchIndex(elasticsearchIndex)
                .role(role)
                .shards(shards)
                .queueShardMaxEntries(queueShardMaxEntries)
                .queueShardMaxBytes(queueShardMaxBytes)
                .writeQueueCapacity(writeQueueCapacity)
                .writeBatchSize(writeBatchSize)
                .idempotencyRetention(idempotencyRetention)
                .reconcileInterval(reconcileInterval)
                .workerListener(workerListener)
                .migrateSchema(migrateSchema)
                .maintainsRedis(maintainsRedis)
                .maintainsSearchIndex(maintainsSearchIndex)
                .rebuildIndexAtOpen(rebuildIndexAtOpen);
        builder.database = database.orElse(null);
        builder.redisUrl = redisUrl.orElse(null);
        builder.elasticsearchUrl = elasticsearchUrl.orElse(null);
        return builder;
    }

    /**
     * Builds a {@link ChatConfig}; defaults: embedded in {@code ./chat-data}, role all, 8 shards of at most 1,000,000
     * entries and 128 MiB each, reconciling every hour, no listener.
     */
    public static final class Builder {
        private Path dataDir = Path.of("chat-data");
        private Database database;
        private URI redisUrl;
        private URI elasticsearchUrl;
        private String elasticsearchIndex = DEFAULT_ELASTICSEARCH_INDEX;
        private Role role = Role.ALL;
        private int shards = 8;
        private long queueShardMaxEntries = 1_000_000;
        private long queueShardMaxBytes = 128 * MIB;
        private int writeQueueCapacity = 10_000;
        private int writeBatchSize = 2_000;
        private java.time.Duration idempotencyRetention = java.time.Duration.ofHours(24);
        private java.time.Duration reconcileInterval = java.time.Duration.ofHours(1);
        private WorkerListener workerListener = WorkerListener.NONE;
        private boolean migrateSchema = true;
        private boolean maintainsRedis = true;
        private boolean maintainsSearchIndex = true;
        private boolean rebuildIndexAtOpen = true;

        private Builder() {}

        /**
         * Applies the {@code CHAT_*} variables this config knows from {@code environment}.
         *
         * @throws ConfigurationException naming the variable, for a value it cannot use; for a null map
         */
        public Builder environment(Map<String, String> environment) {
            if (environment == null) {
                throw new ConfigurationException("environment is required (System.getenv(), or an empty map)");
            }
            EnvironmentValues.value(environment, "CHAT_DATA_DIR").ifPresent(dir -> dataDir(Path.of(dir)));
            EnvironmentValues.requireWith(environment, "CHAT_DB_URL", "CHAT_DB_USER", "CHAT_DB_PASSWORD");
            EnvironmentValues.value(environment, "CHAT_DB_URL")
                    .ifPresent(url -> database(new Database(
                            url,
                            EnvironmentValues.value(environment, "CHAT_DB_USER").orElse("chat"),
                            environment.getOrDefault("CHAT_DB_PASSWORD", ""))));
            EnvironmentValues.value(environment, "CHAT_REDIS_URL")
                    .ifPresent(url -> redisUrl(EnvironmentValues.uri("CHAT_REDIS_URL", url)));
            EnvironmentValues.value(environment, "CHAT_ELASTICSEARCH_URL")
                    .ifPresent(url -> elasticsearchUrl(EnvironmentValues.uri("CHAT_ELASTICSEARCH_URL", url)));
            EnvironmentValues.value(environment, "CHAT_ELASTICSEARCH_INDEX").ifPresent(this::elasticsearchIndex);
            EnvironmentValues.value(environment, "CHAT_ROLE").ifPresent(role -> role(Role.parse("CHAT_ROLE", role)));
            EnvironmentValues.value(environment, "CHAT_SHARDS")
                    .ifPresent(shards -> shards(EnvironmentValues.integer("CHAT_SHARDS", shards)));
            EnvironmentValues.value(environment, "CHAT_QUEUE_SHARD_MAX_ENTRIES")
                    .ifPresent(entries -> queueShardMaxEntries(
                            EnvironmentValues.count("CHAT_QUEUE_SHARD_MAX_ENTRIES", entries, MAX_QUEUE_SHARD_ENTRIES)));
            EnvironmentValues.value(environment, "CHAT_QUEUE_SHARD_MAX_MB")
                    .ifPresent(mib -> queueShardMaxBytes(
                            EnvironmentValues.count("CHAT_QUEUE_SHARD_MAX_MB", mib, MAX_QUEUE_SHARD_MIB) * MIB));
            EnvironmentValues.value(environment, "CHAT_IDEMPOTENCY_RETENTION")
                    .ifPresent(retention ->
                            idempotencyRetention(EnvironmentValues.duration("CHAT_IDEMPOTENCY_RETENTION", retention)));
            EnvironmentValues.value(environment, "CHAT_RECONCILE_INTERVAL")
                    .ifPresent(interval -> reconcileInterval(
                            "0".equals(interval)
                                    ? java.time.Duration.ZERO
                                    : EnvironmentValues.duration("CHAT_RECONCILE_INTERVAL", interval)));
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder database(Database database) {
            this.database = database;
            return this;
        }

        public Builder redisUrl(URI redisUrl) {
            this.redisUrl = redisUrl;
            return this;
        }

        public Builder elasticsearchUrl(URI elasticsearchUrl) {
            this.elasticsearchUrl = elasticsearchUrl;
            return this;
        }

        /** The index messages go to (default {@code chat-messages}); one per deployment sharing a cluster. */
        public Builder elasticsearchIndex(String elasticsearchIndex) {
            this.elasticsearchIndex = Objects.requireNonNull(elasticsearchIndex, "elasticsearchIndex");
            return this;
        }

        public Builder role(Role role) {
            this.role = Objects.requireNonNull(role, "role");
            return this;
        }

        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** Writes one shard's Redis stream may hold before writes to it are refused. */
        public Builder queueShardMaxEntries(long queueShardMaxEntries) {
            this.queueShardMaxEntries = queueShardMaxEntries;
            return this;
        }

        /** Bytes one shard's Redis stream may take before writes to it are refused. */
        public Builder queueShardMaxBytes(long queueShardMaxBytes) {
            this.queueShardMaxBytes = queueShardMaxBytes;
            return this;
        }

        public Builder writeQueueCapacity(int writeQueueCapacity) {
            this.writeQueueCapacity = writeQueueCapacity;
            return this;
        }

        public Builder writeBatchSize(int writeBatchSize) {
            this.writeBatchSize = writeBatchSize;
            return this;
        }

        public Builder idempotencyRetention(java.time.Duration idempotencyRetention) {
            this.idempotencyRetention = Objects.requireNonNull(idempotencyRetention, "idempotencyRetention");
            return this;
        }

        /** How often to recompute the stored counts in processes that run workers; zero turns it off. */
        public Builder reconcileInterval(java.time.Duration reconcileInterval) {
            this.reconcileInterval = Objects.requireNonNull(reconcileInterval, "reconcileInterval");
            return this;
        }

        /** Receives what the workers and reconciliations did, for monitoring. */
        public Builder workerListener(WorkerListener workerListener) {
            this.workerListener = Objects.requireNonNull(workerListener, "workerListener");
            return this;
        }

        /** Whether opening applies pending schema migrations (default) or refuses a schema that is behind. */
        public Builder migrateSchema(boolean migrateSchema) {
            this.migrateSchema = migrateSchema;
            return this;
        }

        /** Whether this process keeps Redis' shared state (default) or only compares and refuses: see the record. */
        public Builder maintainsRedis(boolean maintainsRedis) {
            this.maintainsRedis = maintainsRedis;
            return this;
        }

        /** Whether this process creates and upgrades the Elasticsearch index (default) or leaves it: see the record. */
        public Builder maintainsSearchIndex(boolean maintainsSearchIndex) {
            this.maintainsSearchIndex = maintainsSearchIndex;
            return this;
        }

        /**
         * Whether opening the embedded form rebuilds an index it finds incomplete (default) or leaves it to a full
         * reindex, its health warning meanwhile: see the record.
         */
        public Builder rebuildIndexAtOpen(boolean rebuildIndexAtOpen) {
            this.rebuildIndexAtOpen = rebuildIndexAtOpen;
            return this;
        }

        public ChatConfig build() {
            return new ChatConfig(
                    dataDir,
                    Optional.ofNullable(database),
                    Optional.ofNullable(redisUrl),
                    Optional.ofNullable(elasticsearchUrl),
                    elasticsearchIndex,
                    role,
                    shards,
                    queueShardMaxEntries,
                    queueShardMaxBytes,
                    writeQueueCapacity,
                    writeBatchSize,
                    idempotencyRetention,
                    reconcileInterval,
                    workerListener,
                    migrateSchema,
                    maintainsRedis,
                    maintainsSearchIndex,
                    rebuildIndexAtOpen);
        }
    }
}
