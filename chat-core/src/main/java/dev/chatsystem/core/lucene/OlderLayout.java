package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;

/**
 * Whether the index was found at open holding documents of an older layout, which a full rebuild must delete first
 * rather than replace in place: since Lucene 9 a field keeps one type across the index, so a layout that changed one
 * (layout 6 wrote {@code generation} as a point, 7 as doc values) failed the rebuild's first write, and every start
 * after it. Searches during such a rebuild miss what it has not written yet, as during any rebuild after a clear.
 */
final class OlderLayout {
    private final AtomicBoolean present;

    private OlderLayout(boolean present) {
        this.present = new AtomicBoolean(present);
    }

    /**
     * Of the last commit in {@code directory}: a label that says neither that the current layout completed it
     * ({@link Completeness#COMPLETE_COMMIT_DATA}) nor that it holds only the current layout's documents ({@link
     * Completeness#INCOMPLETE_WRITTEN_BY_CURRENT}). So another layout's label, none at all (written before labels
     * were), or "rebuild: pending" alone: what an open that did not rebuild left on an older layout's index, and what
     * builds before "written-by" left on any incomplete index (clearing one of this layout costs only its rebuild).
     */
    static OlderLayout of(Directory directory) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return new OlderLayout(false);
        }
        Map<String, String> committed = SegmentInfos.readLatestCommit(directory).getUserData();
        boolean current = labels(committed, Completeness.COMPLETE_COMMIT_DATA)
                || labels(committed, Completeness.INCOMPLETE_WRITTEN_BY_CURRENT);
        return new OlderLayout(!current);
    }

    private static boolean labels(Map<String, String> committed, Map<String, String> label) {
        return label.entrySet().stream().allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
    }

    /** Whether documents of an older layout may remain (at open: what the incomplete label must not hide). */
    boolean present() {
        return present.get();
    }

    /**
     * Deletes every document, their fields' types too, and commits (labelled incomplete: the rebuild that called this
     * is owed), the first time it is called while documents of an older layout may remain; then tells {@code
     * completeness} that the index holds only this layout's documents.
     */
    void clearOnce(IndexWriters writers, Completeness completeness) {
        if (!present.compareAndSet(true, false)) {
            return;
        }
        try {
            LuceneCalls.run("delete the documents of an older layout", () -> {
                IndexWriters.Current current = writers.current();
                current.writer().deleteAll();
                current.writer().commit();
                completeness.onlyThisLayout();
                current.searchers().maybeRefreshBlocking();
                return null;
            });
        } catch (RuntimeException e) {
            present.set(true); // the next rebuild tries again
            throw e;
        }
    }

    /** Every document is deleted now (a full clear). */
    void cleared() {
        present.set(false);
    }
}
