package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.IndexWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the index once per interval when something changed, on one daemon thread: the bound on what a crash loses
 * (and what the next open then rebuilds), without an fsync per upsert.
 */
final class PeriodicCommits {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicCommits.class);

    private final IndexWriter writer;
    private final Visibility visibility;
    private final ScheduledExecutorService committer;

    private PeriodicCommits(IndexWriter writer, Visibility visibility) {
        this.writer = writer;
        this.visibility = visibility;
        this.committer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("lucene-commit").daemon().factory());
    }

    static PeriodicCommits start(IndexWriter writer, Visibility visibility, Duration interval) {
        PeriodicCommits commits = new PeriodicCommits(writer, visibility);
        long millis = interval.toMillis();
        commits.committer.scheduleWithFixedDelay(commits::commitIfChanged, millis, millis, TimeUnit.MILLISECONDS);
        return commits;
    }

    /** Stops the periodic commits; true when interrupted while waiting for one still running. */
    boolean stop() {
        committer.shutdown();
        try {
            // One still running past the wait only delays the final commit: IndexWriter serializes commits.
            committer.awaitTermination(1, TimeUnit.MINUTES);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private void commitIfChanged() {
        try {
            if (writer.hasUncommittedChanges()) {
                writer.commit();
                visibility.refreshAll();
            }
        } catch (IOException | RuntimeException | Error e) { // anything thrown would cancel every later commit
            LOG.warn("Periodic commit of the search index failed", e);
        }
    }
}
