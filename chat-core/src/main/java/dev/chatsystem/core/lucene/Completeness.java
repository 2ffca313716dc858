package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.util.Map;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;

/**
 * Whether the index holds every message of the store, and the label its commits carry about that. Only a complete
 * index is committed with {@link #COMPLETE_COMMIT_DATA}; any other commit says a rebuild is pending, because the writer
 * would otherwise carry the last commit's label forward. So an index that was opened dirty, was cleared or missed
 * writes is rebuilt at the next open however this process ends: after a crash by the dirty marker, after a clean close
 * (or a rebuild that failed halfway) by the label.
 *
 * <p>Losses (an index opened incomplete, an application or everything cleared, writes missed) are counted. A full
 * rebuild covers every loss counted before it starts, and {@link #rebuilt} makes the index complete again only when
 * nothing was lost since that start (or since open, when none was started). The count also tells whether searches
 * may miss messages ({@link #lacksMessages}): a rebuild in place loses nothing, so an index complete when it starts
 * is labelled incomplete (for a crash meanwhile) without lacking any message. Thread-safe.
 */
final class Completeness {
    /**
     * Recorded with every commit of a complete index; an index committed without it (or with an older value) was
     * written with another document layout, or is incomplete, and is rebuilt at open. Version 2 added the word
     * trigrams, version 3 normalized the words they are made of (NFC, typographic apostrophes), version 4 folded the
     * final sigma and ß, version 5 added the words' pieces, version 6 removed format characters and lower-cased
     * before composing, version 7 removed variation selectors and folded the case pairs lower-casing misses (ı, µ,
     * ſ...), full-width ASCII and the Latin ligatures, version 8 read U+202F as a space, removed U+034F and the
     * Mongolian variation selectors and kept a subdivision flag's tags.
     */
    static final Map<String, String> COMPLETE_COMMIT_DATA = Map.of("layout", "8");

    /**
     * Recorded with the commits of an incomplete index that may still hold documents of an older layout (or, from
     * builds before {@link #INCOMPLETE_WRITTEN_BY_CURRENT}, of any layout): {@link OlderLayout} clears it before a full
     * rebuild.
     */
    static final Map<String, String> INCOMPLETE_COMMIT_DATA = Map.of("rebuild", "pending");

    /**
     * Recorded with the commits of an incomplete index that holds only documents of the current layout. Under its own
     * key: {@code layout} is what says complete.
     */
    static final Map<String, String> INCOMPLETE_WRITTEN_BY_CURRENT =
            Map.of("rebuild", "pending", "written-by", COMPLETE_COMMIT_DATA.get("layout"));

    private IndexWriter writer;
    /** Counted from 1 when the index was opened incomplete: what it lacks then is the first loss. */
    private long losses;
    /** The losses counted before the last full clear (or open): what a rebuild completing now covers. */
    private long coveredUpTo;
    /** The losses covered by the last completed rebuild. */
    private long repairedUpTo;
    /** The number of the last loss that was missed writes, 0 if none. */
    private long lastMiss;
    /** How many writers were lost ({@link #reopened}). */
    private long writerLosses;

    private volatile boolean complete;

    /**
     * Whether the index may hold documents of an older layout: its incomplete label then does not claim the current
     * layout, so that an open that does not rebuild (and clear) keeps the evidence for the next one.
     */
    private boolean olderLayout;

    /** Labels the writer's next commits with what {@code complete} and {@code olderLayout} say. */
    Completeness(IndexWriter writer, boolean complete, boolean olderLayout) {
        this.writer = writer;
        this.complete = complete;
        this.olderLayout = olderLayout;
        this.losses = complete ? 0 : 1;
        this.coveredUpTo = losses; // a rebuilt() with no rebuild started covers what the index lacked at open
        writer.setLiveCommitData((complete ? COMPLETE_COMMIT_DATA : incompleteLabel()).entrySet());
    }

    /** True when the last commit in {@code directory} is of a complete index of the current layout. */
    static boolean committedComplete(Directory directory) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return false;
        }
        Map<String, String> committed = SegmentInfos.readLatestCommit(directory).getUserData();
        return COMPLETE_COMMIT_DATA.entrySet().stream()
                .allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
    }

    boolean complete() {
        return complete;
    }

    /**
     * True while a loss (the index opened incomplete, a clear, missed writes) has not been repaired by a completed
     * rebuild that started after it: searches may then miss messages.
     */
    synchronized boolean lacksMessages() {
        return losses > repairedUpTo;
    }

    /** True from {@link #missedWrites()} until a rebuild that started after it has completed. */
    synchronized boolean missesWrites() {
        return lastMiss > repairedUpTo;
    }

    /** Writes committed to the store will never reach the index. */
    synchronized void missedWrites() {
        lastMiss = ++losses;
        incomplete();
    }

    /**
     * The writer was reopened from the last commit after a tragic failure ({@link IndexWriters}): what it held beyond
     * that commit is lost, as if missed. Its commits are labelled from now on.
     */
    synchronized void reopened(IndexWriter reopened) {
        writer = reopened;
        writerLosses++;
        missedWrites();
    }

    /**
     * How many writers were lost so far ({@link #reopened}). A full rebuild in place must not complete across such a
     * loss ({@link LuceneSearchIndex#completeRebuild}), so it reads this at its start and compares before completing.
     */
    synchronized long writerLosses() {
        return writerLosses;
    }

    /** Before one application's documents are deleted: only a full rebuild is known to restore them. */
    synchronized void clearingOne() {
        lose();
    }

    /** Before every document is deleted, for a full rebuild that covers this loss too: {@link #rebuildStarting}. */
    synchronized void clearingAll() {
        lose();
        rebuildStarting();
    }

    /**
     * A full rebuild starts (in place, or after every document is deleted), which covers every loss so far; the index
     * is incomplete until it completes.
     */
    synchronized void rebuildStarting() {
        coveredUpTo = losses;
        incomplete();
    }

    /**
     * Every document of an older layout is deleted, and that deletion committed: only from then on may incomplete
     * commits say the current layout wrote the index (a label set before could reach a commit without the deletion).
     */
    synchronized void onlyThisLayout() {
        olderLayout = false;
        if (!complete) {
            writer.setLiveCommitData(incompleteLabel().entrySet());
        }
    }

    /** A rebuild has written every message of the store: commits, labelled complete unless something was lost since. */
    synchronized void rebuilt() throws IOException {
        boolean whole = losses == coveredUpTo;
        if (whole) {
            writer.setLiveCommitData(COMPLETE_COMMIT_DATA.entrySet());
        }
        try {
            writer.commit();
        } catch (IOException | RuntimeException e) {
            incomplete();
            throw e;
        }
        repairedUpTo = coveredUpTo;
        complete = whole;
    }

    private void lose() {
        losses++;
        incomplete();
    }

    private void incomplete() {
        complete = false;
        writer.setLiveCommitData(incompleteLabel().entrySet());
    }

    private Map<String, String> incompleteLabel() {
        return olderLayout ? INCOMPLETE_COMMIT_DATA : INCOMPLETE_WRITTEN_BY_CURRENT;
    }
}
