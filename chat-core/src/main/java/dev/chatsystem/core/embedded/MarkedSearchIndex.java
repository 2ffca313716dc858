package dev.chatsystem.core.embedded;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.lucene.DirtyMarker;
import dev.chatsystem.core.spi.IndexRebuild;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A search index beside the embedded store that cannot tell by itself that it missed writes (Elasticsearch in place
 * of Lucene). The group-commit writer hands committed documents to the indexer in memory, so a kill -9 loses those not
 * indexed yet, and the documents the indexer dropped would be remembered by this process only. A marker file in the
 * data dir, there from open until a close with nothing missed, makes the next start rebuild the index from the store;
 * its {@link #missedWrites()} keeps it there. An index holding fewer documents than the store has messages (a new one,
 * say, for a data dir that used Lucene until now) is rebuilt too, as is one whose documents were written with an older
 * {@link #LAYOUT} than this code writes (recorded in the data dir by each full rebuild).
 */
public final class MarkedSearchIndex implements SearchIndex {
    /** The marker's name in the data dir. */
    public static final String FILE_NAME = "index-incomplete";

    /** Where the data dir records the {@link #LAYOUT} its index was last fully built with. */
    public static final String LAYOUT_FILE = "index-layout";

    /**
     * What a document holds for a message, as far as this index cannot tell by itself: raised whenever it changes.
     * Version 1 folds the final sigma and ß ({@link dev.chatsystem.core.search.QueryWords#normalized}), version 2 adds
     * the words' pieces ({@link dev.chatsystem.core.search.WordGrams#pieces}), version 3 removes format characters and
     * lower-cases before composing, version 4 removes variation selectors and folds the case pairs lower-casing
     * misses (ı, µ, ſ...), full-width ASCII and the Latin ligatures, version 5 reads the narrow no-break space as a
     * space, removes the combining grapheme joiner and the Mongolian variation selectors and keeps a subdivision
     * flag's tags. Raised with the Elasticsearch adapter's own record of it
     * ({@code elasticsearch.MessageDocuments.LAYOUT}).
     */
    static final String LAYOUT = "5";

    private static final Logger log = LoggerFactory.getLogger(MarkedSearchIndex.class);

    /** The health warning while a rebuild is owed; says "reindex", as the shells' fixes look for. */
    static final String INCOMPLETE = "index incomplete (" + FILE_NAME + " marker in the data dir: a crash, writes it"
            + " missed or a rebuild that did not finish), so searches may miss messages: run a reindex (chat-cli"
            + " reindex while the server is stopped; a server's start does it too)";

    private final SearchIndex index;
    private final DirtyMarker marker;
    private final Path layoutFile;
    private volatile boolean needsRebuild;
    private final AtomicLong misses = new AtomicLong();
    private volatile long missesAtRebuildStart = -1; // none started
    private volatile long missesRepaired;
    private final AtomicInteger rebuilding = new AtomicInteger();

    private MarkedSearchIndex(SearchIndex index, DirtyMarker marker, Path layoutFile, boolean needsRebuild) {
        this.index = index;
        this.marker = marker;
        this.layoutFile = layoutFile;
        this.needsRebuild = needsRebuild;
    }

    /**
     * Marks the index this data dir used in Lucene's place, if it ever used one (it recorded a {@link #LAYOUT_FILE}),
     * as needing a rebuild at its next open: called when Lucene serves the data dir, whose messages and edits the other
     * index then misses (a count check alone would not see the edits).
     */
    public static void markStale(Path dataDir) {
        if (Files.exists(dataDir.resolve(LAYOUT_FILE))) {
            new DirtyMarker(dataDir.resolve(FILE_NAME)).createOrFail();
        }
    }

    /**
     * Marks {@code index} open in {@code dataDir}; it needs a rebuild when the marker was already there, when it
     * holds fewer documents than the {@code storedMessages} of the store beside it, or when the store has messages and
     * the index was last built with another {@link #LAYOUT}. With no messages stored, the index is of this layout.
     */
    public static MarkedSearchIndex open(SearchIndex index, Path dataDir, long storedMessages) {
        Objects.requireNonNull(index, "index");
        DirtyMarker marker = new DirtyMarker(dataDir.resolve(FILE_NAME));
        Path layoutFile = dataDir.resolve(LAYOUT_FILE);
        boolean oldLayout = storedMessages > 0 && !LAYOUT.equals(readLayout(layoutFile));
        boolean dirty = marker.exists() || oldLayout || behind(index, storedMessages);
        try {
            marker.create();
            if (storedMessages == 0) {
                writeLayout(layoutFile);
            }
        } catch (IOException e) {
            throw new BackendUnavailableException("cannot write " + FILE_NAME + " in " + dataDir + ": " + e, e);
        }
        return new MarkedSearchIndex(index, marker, layoutFile, dirty);
    }

    private static String readLayout(Path layoutFile) {
        try {
            return Files.readString(layoutFile).strip();
        } catch (IOException e) { // none recorded: an index built before layouts were
            return "";
        }
    }

    private static void writeLayout(Path layoutFile) throws IOException {
        Path written = layoutFile.resolveSibling(LAYOUT_FILE + ".tmp");
        Files.writeString(written, LAYOUT + "\n");
        Files.move(written, layoutFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** True when the index answers that it holds fewer documents than the store; false when it cannot answer now. */
    private static boolean behind(SearchIndex index, long storedMessages) {
        try {
            return index.count() < storedMessages;
        } catch (BackendUnavailableException e) {
            log.warn(
                    "cannot count the search index's documents now ({}): not checked against the store",
                    e.getMessage());
            return false;
        }
    }

    /** Where the indexer reports documents it dropped: repaired by a full rebuild that starts after the report. */
    public MissedWrites missedWrites() {
        return MissedWrites.of(misses::incrementAndGet, () -> misses.get() > missesRepaired);
    }

    @Override
    public void upsert(List<IndexedMessage> messages) {
        index.upsert(messages);
    }

    @Override
    public void indexInBackground(List<IndexedMessage> messages) {
        index.indexInBackground(messages);
    }

    @Override
    public List<Long> search(String token, long chatNumber, String query, int limit) {
        return index.search(token, chatNumber, query, limit);
    }

    /** A clear of everything starts a full rebuild: what was missed before it is repaired when it completes. */
    @Override
    public void clear(Optional<String> token) {
        long missesNow = misses.get();
        if (token.isEmpty()) {
            needsRebuild = true; // until the rebuild completes: one that fails halfway leaves the marker
        }
        index.clear(token);
        if (token.isEmpty()) {
            missesAtRebuildStart = missesNow;
        }
    }

    /**
     * A full rebuild repairs, when it completes, what was missed before it started. One abandoned leaves a rebuild owed,
     * unless the index kept every document meanwhile ({@link IndexRebuild#keepsIndexWhole}).
     */
    @Override
    public IndexRebuild startRebuild() {
        long missesNow = misses.get();
        boolean owedBefore = needsRebuild;
        needsRebuild = true; // until the rebuild completes: one that fails halfway leaves the marker
        rebuilding.incrementAndGet();
        IndexRebuild rebuild;
        try {
            rebuild = index.startRebuild();
        } catch (RuntimeException | Error e) {
            rebuilding.decrementAndGet();
            throw e;
        }
        missesAtRebuildStart = missesNow;
        return new IndexRebuild() {
            private boolean completed;
            private boolean released;

            @Override
            public boolean keepsIndexWhole() {
                return rebuild.keepsIndexWhole();
            }

            @Override
            public void upsert(List<IndexedMessage> messages) {
                rebuild.upsert(messages);
            }

            @Override
            public void complete(BooleanSupplier lockLost) {
                rebuild.complete(lockLost);
                recordRebuilt();
                completed = true;
            }

            @Override
            public void close() {
                try {
                    rebuild.close();
                    if (!completed && rebuild.keepsIndexWhole()) {
                        needsRebuild = owedBefore;
                    }
                } finally {
                    if (!released) { // a second close must not end another rebuild's count
                        released = true;
                        rebuilding.decrementAndGet();
                    }
                }
            }
        };
    }

    @Override
    public long count() {
        return index.count();
    }

    @Override
    public boolean needsRebuild() {
        return needsRebuild || index.needsRebuild();
    }

    @Override
    public void rebuilt() {
        index.rebuilt();
        recordRebuilt();
    }

    private void recordRebuilt() {
        try {
            writeLayout(layoutFile);
        } catch (IOException e) { // not recorded: the next start rebuilds once more
            log.warn("cannot record the index layout in {}: {}", layoutFile, e.toString());
        }
        needsRebuild = false;
        long repaired = missesAtRebuildStart;
        if (repaired > missesRepaired) {
            missesRepaired = repaired;
        }
    }

    /**
     * The index's own health, with a warning while a rebuild is owed and none is running: found incomplete at open by
     * a process that does not rebuild it (the admin tool), or a rebuild that failed. Searches work, but may miss
     * messages.
     */
    @Override
    public BackendStatus health() {
        BackendStatus status = index.health();
        if (!status.up() || status.warns() || rebuilding.get() > 0 || !needsRebuild()) {
            return status;
        }
        return BackendStatus.warning(status.name(), status.kind(), INCOMPLETE);
    }

    /** Closes the index; the marker goes only when nothing was missed and no rebuild is owed. */
    @Override
    public void close() {
        index.close();
        if (needsRebuild() || misses.get() > missesRepaired) {
            log.warn("the search index missed writes: it is rebuilt from the store at the next start");
            return;
        }
        try {
            marker.delete();
        } catch (IOException e) {
            log.warn("cannot delete {} (the next start rebuilds the index): {}", FILE_NAME, e.toString());
        }
    }
}
