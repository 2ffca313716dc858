package dev.chatsystem.core.lucene;

import dev.chatsystem.core.search.QueryWords;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.ThreadInterruptedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a {@link LuceneSearchIndex} ends: whether it is closed, close's final commit and release of what the index
 * opened, the dirty marker's delete once that commit succeeded, and a report of missed writes that races them.
 */
final class Closing {
    // Logs as the index, as it did before this class was split from it.
    private static final Logger LOG = LoggerFactory.getLogger(LuceneSearchIndex.class);

    private final Directory directory;
    private final DirtyMarker marker;
    private final Analyzer analyzer;
    private final IndexWriters writers;
    private final QueryWords words;
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Held by {@link #missedWrites} and by close's final commit and marker delete, so that a report racing close
     * lands before the commit (labelled incomplete) or after the delete (recreating the marker), never in between
     * where the delete would remove the marker it created. A lock for virtual threads, as in {@link Visibility}.
     */
    private final ReentrantLock releasing = new ReentrantLock();

    private volatile Runnable beforeMarkerDelete = () -> {};

    Closing(Directory directory, DirtyMarker marker, Analyzer analyzer, IndexWriters writers, QueryWords words) {
        this.directory = directory;
        this.marker = marker;
        this.analyzer = analyzer;
        this.writers = writers;
        this.words = words;
    }

    boolean closed() {
        return closed.get();
    }

    /** Marks the index closed; false when it already was (by another close). */
    boolean start() {
        return closed.compareAndSet(false, true);
    }

    /** Records the missed writes in {@code completeness} or, once closed, in the dirty marker. Never throws. */
    void missedWrites(Completeness completeness) {
        releasing.lock();
        try {
            try {
                completeness.missedWrites();
            } catch (AlreadyClosedException e) {
                // the marker below asks for the rebuild instead
            }
            if (closed.get()) {
                try {
                    marker.create();
                } catch (IOException | RuntimeException e) {
                    LOG.error("cannot record that the search index missed writes: run a reindex", e);
                }
            }
        } finally {
            releasing.unlock();
        }
    }

    /** Commits and releases the index; the dirty marker is removed only when the final commit succeeded. */
    void commitAndRelease() {
        releasing.lock();
        try {
            commitAndReleaseLocked();
        } finally {
            releasing.unlock();
        }
    }

    private void commitAndReleaseLocked() {
        IndexWriters.Current last = writers.last();
        IndexWriter writer = last.writer();
        SearcherManager searchers = last.searchers();
        try {
            writer.commit();
            IOUtils.close(searchers, writer);
            beforeMarkerDelete.run();
            marker.delete();
        } catch (IOException | RuntimeException e) {
            // Any failure, not only I/O (a writer with a tragedy refuses to commit with an IllegalStateException, an
            // interrupted wait is a ThreadInterruptedException): only the writer's close releases the directory's
            // write.lock, and no second close of the index comes here, so without it no open in this JVM succeeds.
            IOUtils.closeWhileHandlingException(searchers, writer, directory, analyzer);
            words.close();
            if (e instanceof ThreadInterruptedException) {
                Thread.currentThread().interrupt(); // Lucene consumed an interrupt meant for the caller
            }
            throw LuceneCalls.unavailable("close cleanly; it will need a rebuild", e);
        }
        try {
            IOUtils.close(directory, analyzer);
        } catch (IOException e) {
            throw LuceneCalls.unavailable("close", e);
        } finally {
            words.close();
        }
    }

    /** For tests: runs {@code hook} in {@link #commitAndRelease}, after the final commit and before the delete. */
    void beforeMarkerDelete(Runnable hook) {
        beforeMarkerDelete = hook;
    }
}
