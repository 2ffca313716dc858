package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The index's writer, with the searchers and {@link Visibility} over it, reopened from the last commit once Lucene
 * closed it for good after a tragic failure (a flush, merge or commit that failed to write, as on a full disk). Without
 * that, every later write and every search of a chat written meanwhile failed until a restart. What the writer held
 * beyond its last commit is lost with it: the {@code reopened} callback hears of each new writer before anyone uses
 * it, to record that loss.
 *
 * <p>Thread-safe. Callers take {@link #current} once per operation and use that writer throughout: a reopening
 * meanwhile makes the operation fail (the old writer is closed), never mixes two writers.
 */
final class IndexWriters {
    private static final Logger LOG = LoggerFactory.getLogger(IndexWriters.class);
    /** Later reopenings (a disk that stays full fails the next flush too) are logged at most this often. */
    private static final long LOG_AGAIN_NANOS = 60_000_000_000L;

    /** One writer and what reads through it. */
    record Current(IndexWriter writer, SearcherManager searchers, Visibility visibility) {
        boolean failed() {
            return writer.getTragicException() != null || !writer.isOpen();
        }
    }

    private final Directory directory;
    private final Analyzer analyzer;
    private final Consumer<IndexWriter> reopened;
    /** Serializes reopenings, and close against them. A lock for virtual threads, as in {@link Visibility}. */
    private final ReentrantLock reopening = new ReentrantLock();

    private volatile Current current;
    private boolean closed;
    private long reopenings;
    private long loggedAt;

    private IndexWriters(Directory directory, Analyzer analyzer, Current first, Consumer<IndexWriter> reopened) {
        this.directory = directory;
        this.analyzer = analyzer;
        this.current = first;
        this.reopened = reopened;
    }

    /** Opens the writer over {@code directory}, creating an empty index when there is none. */
    static Current openFirst(Directory directory, Analyzer analyzer) throws IOException {
        return openOver(directory, analyzer);
    }

    /** Takes over {@code first} (from {@link #openFirst}); {@code reopened} hears of every later writer. */
    static IndexWriters of(Directory directory, Analyzer analyzer, Current first, Consumer<IndexWriter> reopened) {
        return new IndexWriters(directory, analyzer, first, reopened);
    }

    /** The writer to use now: a new one from the last commit if Lucene closed the last on a tragedy. */
    Current current() {
        Current now = current;
        return now.failed() ? reopen(now) : now;
    }

    /** The writer as it is, failed or not, for the final commit: a close does not reopen. */
    Current last() {
        reopening.lock();
        try {
            closed = true;
            return current;
        } finally {
            reopening.unlock();
        }
    }

    private Current reopen(Current failed) {
        reopening.lock();
        try {
            if (closed || current != failed) {
                return current; // closing (the caller fails as after a close), or another thread reopened it
            }
            Throwable tragedy = failed.writer().getTragicException();
            IOUtils.closeWhileHandlingException(failed.searchers());
            Current next;
            try {
                next = openOver(directory, analyzer);
            } catch (IOException | RuntimeException e) {
                throw LuceneCalls.unavailable(
                        "reopen its writer, which failed (" + tragedy + "); a restart rebuilds the index", e);
            }
            reopened.accept(next.writer()); // before anyone can commit it
            current = next;
            logReopened(tragedy);
            return next;
        } finally {
            reopening.unlock();
        }
    }

    private void logReopened(Throwable tragedy) {
        long now = System.nanoTime();
        reopenings++;
        if (reopenings == 1) {
            LOG.error(
                    "the search index's writer failed and Lucene closed it; reopened from the last commit. What was"
                            + " indexed since that commit (up to a second of writes) is lost: searches miss it until"
                            + " a reindex, or the next start, rebuilds the index",
                    tragedy);
        } else if (now - loggedAt >= LOG_AGAIN_NANOS) {
            LOG.error(
                    "the search index's writer failed again and was reopened ({} times since start; last: {})",
                    reopenings,
                    String.valueOf(tragedy));
        } else {
            return;
        }
        loggedAt = now;
    }

    private static Current openOver(Directory directory, Analyzer analyzer) throws IOException {
        IndexWriter writer = new IndexWriter(
                directory, new IndexWriterConfig(analyzer).setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
        try {
            SearcherManager searchers = new SearcherManager(writer, null);
            return new Current(writer, searchers, new Visibility(searchers));
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(writer);
            throw e;
        }
    }
}
