package dev.chatsystem.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to open a {@link ChatSystem}: an immutable value, validated when built.
 *
 * @param dataDir where the embedded backends keep their files
 * @param writeQueueCapacity how many accepted writes may wait for the writer before creates are refused with
 *     {@link BackendUnavailableException}; bounds memory
 * @param writeBatchSize how many writes the writer commits in one transaction at most
 */
public record ChatConfig(Path dataDir, int writeQueueCapacity, int writeBatchSize) {
    /** Environment variables this config reads; shells reject other {@code CHAT_*} names they do not know. */
    public static final Set<String> ENVIRONMENT_KEYS = Set.of("CHAT_DATA_DIR");

    public ChatConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        requireBetween("writeQueueCapacity", writeQueueCapacity, 1, 1_000_000);
        requireBetween("writeBatchSize", writeBatchSize, 1, 10_000);
    }

    /** The embedded default: everything in {@code dataDir}, no servers needed. */
    public static ChatConfig embedded(Path dataDir) {
        return builder().dataDir(dataDir).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .dataDir(dataDir)
                .writeQueueCapacity(writeQueueCapacity)
                .writeBatchSize(writeBatchSize);
    }

    private static void requireBetween(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new ConfigurationException(key + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** Builds a {@link ChatConfig}; defaults: {@code ./chat-data}, 10,000 queued writes, batches of 500. */
    public static final class Builder {
        private Path dataDir = Path.of("chat-data");
        private int writeQueueCapacity = 10_000;
        private int writeBatchSize = 500;

        private Builder() {}

        /** Applies the {@code CHAT_*} variables this config knows from {@code environment}. */
        public Builder environment(Map<String, String> environment) {
            String dir = environment.get("CHAT_DATA_DIR");
            if (dir != null && !dir.isBlank()) {
                dataDir(Path.of(dir));
            }
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
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

        public ChatConfig build() {
            return new ChatConfig(dataDir, writeQueueCapacity, writeBatchSize);
        }
    }
}
