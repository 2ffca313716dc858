package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the index once per interval when something changed, on one daemon thread: the bound on what a crash loses
 * (and what the next open then rebuilds), without an fsync per upsert.
 */
final class PeriodicCommits {
    private static final Logger LOG = LoggerFactory.getLogger(PeriodicCommits.class);

    private final IndexWriters writers;
    private final ScheduledExecutorService committer;

    private PeriodicCommits(IndexWriters writers) {
        this.writers = writers;
        this.committer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("lucene-commit").daemon().factory());
    }

    static PeriodicCommits start(IndexWriters writers, Duration interval) {
        PeriodicCommits commits = new PeriodicCommits(writers);
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
        IndexWriters.Current current = null;
        try {
            current = writers.current();
            if (current.writer().hasUncommittedChanges()) {
                current.writer().commit();
                current.visibility().refreshAll();
            }
        } catch (IOException | RuntimeException | Error e) { // anything thrown would cancel every later commit
            if (current != null && current.failed()) {
                return; // a tragedy: the next use reopens the writer, and logs it then
            }
            LOG.warn("Periodic commit of the search index failed: {}", e.toString());
        }
    }
}
