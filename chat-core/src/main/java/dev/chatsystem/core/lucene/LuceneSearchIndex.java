package dev.chatsystem.core.lucene;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.files.OwnerOnlyDirectories;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.IOUtils;

/**
 * The embedded {@link SearchIndex}: an Apache Lucene index in a local directory, searched near-real-time through
 * the writer.
 *
 * <p>Bodies and queries go through Lucene's {@code StandardAnalyzer} with no stop words, which tokenizes exactly like
 * Elasticsearch's built-in {@code standard} analyzer. A query of more than 32 distinct words, or with a word longer
 * than 100 characters, is refused ({@link QueryWords}); each word must match a word of the body whole, as a prefix or
 * as an infix, scoring a constant 7, 3 or 1 respectively, and ties go to the newer message. The messages matching every
 * word whole are looked for first: when they fill the page, they are the page ({@link MessageQueries}).
 *
 * <p>Durability: writes are searchable as soon as {@link #upsert} returns, but committed to disk only once a second
 * (by one daemon thread, and only when something changed), by {@link #rebuilt}, {@link #clear} and {@link #close}.
 * A crash can therefore lose the last second of writes. To detect that, {@link #open} creates an fsync'd marker
 * file {@code dirty} in the directory, and only a clean {@link #close} (after its final commit) deletes it. When
 * the marker is found at open, or the directory holds no complete index of the current layout, {@link #needsRebuild}
 * is true until {@link #rebuilt} is called; the marker itself stays until the next clean close. A {@link #clear} makes
 * the index incomplete too (of one application: until a full rebuild), as does {@link #missedWrites}; an incomplete
 * index is committed as such ({@link Completeness}), so a rebuild that fails halfway, or writes the indexer dropped,
 * are redone at the next open even after a clean close. A full rebuild ({@link #startRebuild}) rewrites the index in
 * place without clearing it ({@link Generations}), so searches find every message while it runs. An index that lacks
 * messages (found incomplete at open and not rebuilt, say) is searched as it is, and its {@link #health} warns until a
 * full rebuild has completed.
 *
 * <p>A writer Lucene closed on a tragic failure (a full disk during a flush, merge or commit) is reopened from the last
 * commit at its next use ({@link IndexWriters}); what it held beyond that commit is lost, which counts as missed
 * writes: {@link #missesWrites} until a reindex, and the next open rebuilds the index. A full rebuild during which a
 * writer was lost fails instead of completing, as completing would delete messages ({@link #completeRebuild}).
 *
 * <p>Thread-safe: Lucene's writer and searcher manager are. Failures surface as {@link BackendUnavailableException}.
 */
public final class LuceneSearchIndex implements SearchIndex {
    private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

    /** The health warning while the index lacks messages; says "reindex", as the shells' fixes look for. */
    static final String INCOMPLETE = "index incomplete (not closed cleanly, of an older layout, writes it missed or a"
            + " rebuild that did not finish), so searches may miss messages: run a reindex (chat-cli reindex while the"
            + " server is stopped; a server's start does it too)";

    private final IndexWriters writers;
    private final QueryWords words = new QueryWords();
    private final Searches searches;
    private final PeriodicCommits commits;
    private final Completeness completeness;
    private final OlderLayout olderLayout;
    private final Generations generations = new Generations();
    private final Closing closing;

    private LuceneSearchIndex(
            Directory directory,
            DirtyMarker marker,
            Analyzer analyzer,
            IndexWriters.Current first,
            boolean complete,
            OlderLayout olderLayout,
            Duration commitInterval) {
        this.olderLayout = olderLayout;
        this.completeness = new Completeness(first.writer(), complete, olderLayout.present());
        this.writers = IndexWriters.of(directory, analyzer, first, completeness::reopened);
        this.searches = new Searches(writers, new MessageQueries(words), this::ensureOpen);
        this.closing = new Closing(directory, marker, analyzer, writers, words);
        this.commits = PeriodicCommits.start(writers, commitInterval);
    }

    /**
     * Marks the index in {@code dir}, if there is one, as needing a rebuild at its next open: for a data dir whose
     * messages another index receives meanwhile (Elasticsearch in Lucene's place), so that switching back does not
     * serve this one as complete while it misses whatever the other was given.
     */
    public static void markStale(Path dir) {
        if (Files.isDirectory(dir)) {
            new DirtyMarker(dir.resolve(DirtyMarker.FILE_NAME)).createOrFail();
        }
    }

    /** Opens the index in {@code dir}, creating the directory and an empty index when missing. */
    public static LuceneSearchIndex open(Path dir) {
        return open(dir, COMMIT_INTERVAL);
    }

    static LuceneSearchIndex open(Path dir, Duration commitInterval) {
        return open(dir, commitInterval, UnaryOperator.identity());
    }

    /** For tests: as above, over the directory {@code wrap} makes of the index's (to make its writes fail). */
    static LuceneSearchIndex open(Path dir, Duration commitInterval, UnaryOperator<Directory> wrap) {
        Objects.requireNonNull(dir, "dir");
        Analyzer analyzer = new MessageAnalyzer();
        Directory directory = null;
        IndexWriters.Current first = null;
        try {
            OwnerOnlyDirectories.create(dir);
            directory = wrap.apply(FSDirectory.open(dir));
            DirtyMarker marker = new DirtyMarker(dir.resolve(DirtyMarker.FILE_NAME));
            boolean complete = !marker.exists() && Completeness.committedComplete(directory);
            OlderLayout olderLayout = OlderLayout.of(directory);
            first = IndexWriters.openFirst(directory, analyzer);
            marker.create(); // only once the writer holds the directory's lock
            return new LuceneSearchIndex(directory, marker, analyzer, first, complete, olderLayout, commitInterval);
        } catch (IOException | RuntimeException e) {
            if (first != null) {
                IOUtils.closeWhileHandlingException(first.searchers(), first.writer());
            }
            IOUtils.closeWhileHandlingException(directory, analyzer);
            throw new BackendUnavailableException("cannot open the search index in " + dir + ": " + e, e);
        }
    }

    @Override
    public void upsert(List<IndexedMessage> messages) {
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            return;
        }
        ensureOpen();
        Lock writing = generations.writing();
        writing.lock();
        try {
            LuceneCalls.run("index messages", () -> {
                IndexWriters.Current current = writers.current();
                IndexWriter writer = current.writer();
                long generation = generations.current();
                // The version is ignored: only the embedded form's single writer (and a rebuild under its index lock)
                // updates this index, in the order its writes were accepted, so a later upsert is the newer state.
                for (IndexedMessage message : messages) {
                    writer.updateDocument( // flushes a segment here when the buffer is full
                            MessageDocuments.idTerm(message),
                            MessageDocuments.toDocument(message, words.bodyWords(message.body()), generation));
                }
                // The next reader of each chat refreshes, once for any number of upserts.
                current.visibility()
                        .upserted(messages.stream()
                                .map(message -> MessageDocuments.chatKey(message.token(), message.chatNumber()))
                                .collect(Collectors.toSet()));
                return null;
            });
        } finally {
            writing.unlock();
        }
    }

    @Override
    public List<Long> search(String token, long chatNumber, String query, int limit) {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(query, "query");
        return searches.search(token, chatNumber, query, limit);
    }

    /**
     * Deletes, commits and marks the index incomplete first: a full clear until the {@link #rebuilt} that follows it,
     * one application's until a full rebuild (the index cannot tell when that application is restored).
     */
    @Override
    public void clear(Optional<String> token) {
        Objects.requireNonNull(token, "token");
        ensureOpen();
        LuceneCalls.run("clear", () -> {
            IndexWriters.Current current = writers.current();
            IndexWriter writer = current.writer();
            if (token.isPresent()) {
                completeness.clearingOne();
                writer.deleteDocuments(MessageDocuments.tokenTerm(token.get()));
            } else {
                completeness.clearingAll();
                writer.deleteAll();
            }
            writer.commit();
            if (token.isEmpty()) { // only once the deletion is committed, as the label's "written-by" says
                olderLayout.cleared();
                completeness.onlyThisLayout();
            }
            current.searchers().maybeRefreshBlocking();
            return null;
        });
    }

    /**
     * Rebuilds in place without clearing ({@link Generations}): searches find every message meanwhile, and completing
     * deletes what the rebuild did not write. Incomplete until then, as a clear makes the index, so a rebuild that
     * fails or is abandoned is redone at the next open. Documents of an older layout are deleted first ({@link
     * OlderLayout}).
     */
    @Override
    public IndexRebuild startRebuild() {
        ensureOpen();
        // A writer that failed before is reopened first: the rebuild repairs that loss, which must not fail it.
        LuceneCalls.run("reopen its writer", writers::current);
        long writerLosses = completeness.writerLosses(); // before the rebuild writes anything a loss could take
        completeness.rebuildStarting();
        olderLayout.clearOnce(writers, completeness);
        return new GenerationRebuild(this, generations.next(), writerLosses);
    }

    /**
     * Deletes what the rebuild of {@code generation} did not write, shows it, and records the index complete. Fails
     * instead, the rebuild abandoned and the index left incomplete, when a writer was lost since the rebuild started
     * ({@code writerLossesAtStart}, from {@link Completeness#writerLosses}): the documents the rebuild had written since
     * the last commit went with it, and the older ones they replaced came back. The rebuild, past those messages, will
     * not write them again, so deleting the older generations would make them unsearchable.
     */
    void completeRebuild(long generation, long writerLossesAtStart) {
        ensureOpen();
        boolean current = LuceneCalls.run("delete what the rebuild did not write", () -> {
            // Taken before the check: a writer that fails after it fails the delete too, or loses it with the rest.
            IndexWriter writer = writers.current().writer();
            requireWriterKept(writerLossesAtStart);
            return generations.deleteAllBut(generation, writer);
        });
        if (!current) {
            throw new BackendUnavailableException("another full rebuild of the search index started meanwhile");
        }
        LuceneCalls.run("show the rebuilt index", () -> {
            // Counted as an upsert, so that any later refresh (a search's, the periodic commit's) shows the deletes
            // should this one fail.
            Visibility visibility = writers.current().visibility();
            visibility.upserted(List.of());
            visibility.refreshAll();
            return null;
        });
        rebuilt();
        requireWriterKept(writerLossesAtStart); // one lost after the delete left the index incomplete: no success
    }

    private void requireWriterKept(long writerLossesAtStart) {
        if (completeness.writerLosses() != writerLossesAtStart) {
            throw new BackendUnavailableException("search index: its writer failed during the full rebuild (see the"
                    + " log), losing what the rebuild had written since the last commit, so the rebuild did not"
                    + " complete and the index stays incomplete: run the reindex again");
        }
    }

    @Override
    public long count() {
        return searches.count();
    }

    @Override
    public boolean needsRebuild() {
        return !completeness.complete();
    }

    /**
     * Commits; the index is complete from now on unless one application was cleared, or writes were missed, since the
     * last full clear (or since open, when nothing was cleared).
     */
    @Override
    public void rebuilt() {
        ensureOpen();
        LuceneCalls.run("commit the rebuilt index", () -> {
            completeness.rebuilt();
            return null;
        });
    }

    /**
     * Records that writes committed to the store will never be upserted here (the embedded indexer dropped them): the
     * index needs a rebuild from now on, across a clean close too, and {@link #missesWrites} is true until a rebuild
     * that started after this call has completed. Call it before {@link #close}; after, it can only leave the dirty
     * marker behind. Never throws: the indexer that calls it has nobody to tell.
     */
    public void missedWrites() {
        closing.missedWrites(completeness);
    }

    /** True from {@link #missedWrites} until a rebuild that started after it has completed. */
    public boolean missesWrites() {
        return completeness.missesWrites();
    }

    /**
     * Down once closed or when the writer failed; otherwise up, with a warning while the index lacks messages (found
     * incomplete at open by a process that does not rebuild it, cleared, or missing writes, until a full rebuild
     * started after that completes). Searches work meanwhile, on what the index holds. A full rebuild of a complete
     * index does not warn: it rewrites it in place, so searches miss nothing.
     */
    @Override
    public BackendStatus health() {
        if (closing.closed()) {
            return BackendStatus.down("search", "lucene", "closed");
        }
        IndexWriters.Current current;
        try {
            current = writers.current(); // reopens a writer that failed, and says so when it cannot
        } catch (BackendUnavailableException e) {
            return BackendStatus.down("search", "lucene", e.getMessage());
        }
        if (current.failed()) {
            return BackendStatus.down(
                    "search",
                    "lucene",
                    "index writer failed: " + current.writer().getTragicException());
        }
        if (completeness.lacksMessages()) {
            return BackendStatus.warning("search", "lucene", INCOMPLETE);
        }
        return BackendStatus.up("search", "lucene");
    }

    /**
     * Commits and releases the index; the dirty marker is removed only when the final commit succeeded. An interrupt
     * of the closing thread is kept for after the commit: the files are written through interruptible channels, and
     * a commit with the flag set failed and left the whole index to be rebuilt at the next open.
     */
    @Override
    public void close() {
        if (!closing.start()) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            interrupted |= commits.stop();
            closing.commitAndRelease();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** For tests: runs {@code hook} in {@link #close}, after the final commit and before the marker's delete. */
    void beforeMarkerDelete(Runnable hook) {
        closing.beforeMarkerDelete(hook);
    }

    /** For tests: how many upserts (calls) searchers are known to see. */
    long visibleUpserts() {
        return writers.current().visibility().visibleUpserts();
    }

    /** For tests: the chats with upserts no refresh has made visible yet. */
    int chatsAwaitingRefresh() {
        return writers.current().visibility().chatsAwaitingRefresh();
    }

    private void ensureOpen() {
        if (closing.closed()) {
            throw new BackendUnavailableException("the search index is closed");
        }
    }
}
