package dev.chatsystem.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What one stage of the write path has accepted but not finished yet, for monitoring: the backlog of one queue shard
 * for one stage.
 *
 * @param shard the queue shard (always 0 for the embedded default, which has one queue)
 * @param stage what the backlog waits for: {@link #PERSIST} (the store) or {@link #INDEX} (the search index)
 * @param entries accepted writes the stage has not finished
 * @param oldestAge how long the oldest of them has waited; zero when there is none. This is the stage's lag.
 */
public record QueueBacklog(int shard, String stage, long entries, Duration oldestAge) {
    /** The stage that writes to the store. */
    public static final String PERSIST = "persist";

    /**
     * The stage that writes to the search index. Distributed, a write is finished once Elasticsearch accepted its bulk
     * request, sent without waiting for a refresh: it is searchable at the index's next refresh. Embedded, once
     * finished it is searchable.
     */
    public static final String INDEX = "index";

    public QueueBacklog {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(oldestAge, "oldestAge");
    }
}
