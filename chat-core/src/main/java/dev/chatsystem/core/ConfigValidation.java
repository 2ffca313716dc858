package dev.chatsystem.core;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The checks of a {@link ChatConfig} as it is built, each failing with a {@link ConfigurationException} that names the
 * key and the limit.
 */
final class ConfigValidation {
    /** The limits of the queue shard bounds, which the builder also applies as it reads the environment. */
    static final long MIB = 1L << 20;

    static final long MAX_QUEUE_SHARD_ENTRIES = 100_000_000;
    static final long MAX_QUEUE_SHARD_MIB = 1L << 20; // a TiB: Redis holds the whole stream in memory

    /**
     * Index names this config accepts: what Elasticsearch allows (lower case, no {@code \ / * ? " < > | , # :} or
     * space, not starting with {@code - _ +}), narrowed to letters, digits and {@code . _ -} so that the name needs no
     * escaping in a URL path, and without a leading dot (hidden and system indices).
     */
    private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,199}");

    private ConfigValidation() {}

    static void requireIndexName(String elasticsearchIndex) {
        if (!INDEX_NAME.matcher(elasticsearchIndex).matches()) {
            throw new ConfigurationException("Elasticsearch index name (CHAT_ELASTICSEARCH_INDEX) must be 1 to 200"
                    + " lower-case letters, digits, '.', '_' or '-', starting with a letter or digit, was '"
                    + elasticsearchIndex + "'");
        }
    }

    static void requireBetween(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigurationException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    static void requireQueueShardBounds(long queueShardMaxEntries, long queueShardMaxBytes) {
        if (queueShardMaxEntries < 1 || queueShardMaxEntries > MAX_QUEUE_SHARD_ENTRIES) {
            throw new ConfigurationException("queue shard bound (CHAT_QUEUE_SHARD_MAX_ENTRIES) must be between 1 and "
                    + MAX_QUEUE_SHARD_ENTRIES + " entries, was " + queueShardMaxEntries);
        }
        if (queueShardMaxBytes < MIB || queueShardMaxBytes > MAX_QUEUE_SHARD_MIB * MIB) {
            throw new ConfigurationException("queue shard bound (CHAT_QUEUE_SHARD_MAX_MB) must be between 1 and "
                    + MAX_QUEUE_SHARD_MIB + " MiB, was " + queueShardMaxBytes + " bytes");
        }
    }

    static void requireIdempotencyRetention(java.time.Duration idempotencyRetention) {
        if (idempotencyRetention.toSeconds() < 1 || idempotencyRetention.compareTo(java.time.Duration.ofDays(30)) > 0) {
            throw new ConfigurationException("idempotency retention (CHAT_IDEMPOTENCY_RETENTION) must be between 1"
                    + " second and 30 days, was " + idempotencyRetention);
        }
    }

    /** Zero is allowed: it turns reconciling off. */
    static void requireReconcileInterval(java.time.Duration reconcileInterval) {
        if (!reconcileInterval.isZero()
                && (reconcileInterval.toSeconds() < 1
                        || reconcileInterval.compareTo(java.time.Duration.ofDays(30)) > 0)) {
            throw new ConfigurationException("reconcile interval (CHAT_RECONCILE_INTERVAL) must be 0 (off) or between"
                    + " 1 second and 30 days, was " + reconcileInterval);
        }
    }

    /** The backends come in the combinations the record describes, and the servers' URLs are of their kind. */
    static void requireBackends(
            Optional<ChatConfig.Database> database, Optional<URI> redisUrl, Optional<URI> elasticsearchUrl, Role role) {
        if (database.isPresent() != redisUrl.isPresent()) {
            throw new ConfigurationException("CHAT_DB_URL and CHAT_REDIS_URL must be set together: several instances"
                    + " writing one database need numbers assigned by one shared Redis");
        }
        if (database.isPresent() && elasticsearchUrl.isEmpty()) {
            throw new ConfigurationException("CHAT_ELASTICSEARCH_URL must be set with CHAT_DB_URL and CHAT_REDIS_URL:"
                    + " an embedded index cannot be shared by several instances");
        }
        if (database.isEmpty() && role != Role.ALL) {
            throw new ConfigurationException("role " + role.name().toLowerCase(java.util.Locale.ROOT)
                    + " needs the production backends (CHAT_DB_URL, CHAT_REDIS_URL, CHAT_ELASTICSEARCH_URL)");
        }
        redisUrl.ifPresent(ServerUrls::requireRedis);
        elasticsearchUrl.ifPresent(ServerUrls::requireElasticsearch);
    }
}
