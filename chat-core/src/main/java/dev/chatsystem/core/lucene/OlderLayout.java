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
     * Of the last commit in {@code directory}: another layout's label, or none at all (written before labels were).
     * An index labelled incomplete ({@link Completeness#INCOMPLETE_COMMIT_DATA}) was written, or cleared, by this
     * layout.
     */
    static OlderLayout of(Directory directory) throws IOException {
        if (!DirectoryReader.indexExists(directory)) {
            return new OlderLayout(false);
        }
        Map<String, String> committed = SegmentInfos.readLatestCommit(directory).getUserData();
        boolean labelledIncomplete =
                Completeness.INCOMPLETE_COMMIT_DATA.keySet().stream().anyMatch(committed::containsKey);
        boolean current = Completeness.COMPLETE_COMMIT_DATA.entrySet().stream()
                .allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
        return new OlderLayout(!labelledIncomplete && !current);
    }

    /**
     * Deletes every document, their fields' types too, and commits (labelled incomplete: the rebuild that called this
     * is owed), the first time it is called while documents of an older layout may remain.
     */
    void clearOnce(IndexWriters writers) {
        if (!present.compareAndSet(true, false)) {
            return;
        }
        try {
            LuceneCalls.run("delete the documents of an older layout", () -> {
                IndexWriters.Current current = writers.current();
                current.writer().deleteAll();
                current.writer().commit();
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
