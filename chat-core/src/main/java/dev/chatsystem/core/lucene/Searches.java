package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;

/**
 * The reads of {@link LuceneSearchIndex}: runs its searches and counts on a searcher, after {@link Visibility} made
 * visible what each must see, and turns the hits into message numbers. A class of its own because reading needs only
 * the current searchers ({@link IndexWriters}) and the queries, while the index itself owns the writer, durability
 * and the lifecycle.
 *
 * <p>Thread-safe: {@link IndexWriters}, the searcher manager and {@link Visibility} are, {@link MessageQueries} keeps
 * nothing but the thread-safe query words, and this class holds no state of its own. The index stays the owner of
 * every resource used here and closes them; {@code ensureOpen} is its check, run first by every call, so a call
 * after close fails as before.
 */
final class Searches {
    private static final SortField NEWEST_FIRST = new SortField(MessageDocuments.NUMBER, SortField.Type.LONG, true);
    private static final Sort NEWEST = new Sort(NEWEST_FIRST);
    private static final Sort BEST_THEN_NEWEST = new Sort(SortField.FIELD_SCORE, NEWEST_FIRST);

    private final IndexWriters writers;
    private final MessageQueries queries;
    private final Runnable ensureOpen;

    /** {@code ensureOpen} throws when the index is closed. */
    Searches(IndexWriters writers, MessageQueries queries, Runnable ensureOpen) {
        this.writers = writers;
        this.queries = queries;
        this.ensureOpen = ensureOpen;
    }

    /** {@link LuceneSearchIndex#search}, once its arguments are checked. */
    List<Long> search(String token, long chatNumber, String query, int limit) {
        String chatKey = MessageDocuments.chatKey(token, chatNumber);
        return withSearcher("search", visibility -> visibility.refreshChat(chatKey), searcher -> {
            // Built here so that a concurrent close surfaces as AlreadyClosedException from the analyzer, too.
            Optional<MessageQueries.Search> built = queries.build(token, chatNumber, query);
            if (built.isEmpty() || limit <= 0) {
                return List.of();
            }
            ScoreDoc[] whole = searcher.search(built.get().wholeWords(), limit, NEWEST).scoreDocs;
            if (whole.length == limit) {
                return numbers(whole, 0);
            }
            return numbers(searcher.search(built.get().ranked(), limit, BEST_THEN_NEWEST).scoreDocs, 1);
        });
    }

    /** The message numbers of {@code hits}, each the sort value at {@code field}. */
    private static List<Long> numbers(ScoreDoc[] hits, int field) {
        List<Long> numbers = new ArrayList<>(hits.length);
        for (ScoreDoc hit : hits) {
            numbers.add((Long) ((FieldDoc) hit).fields[field]);
        }
        return List.copyOf(numbers);
    }

    /** {@link LuceneSearchIndex#count}. */
    long count() {
        return withSearcher("count", Visibility::refreshAll, searcher ->
                (long) searcher.getIndexReader().numDocs());
    }

    /** Runs {@code function} on a searcher, after {@code refresh} made visible what it must see. */
    private <T> T withSearcher(String action, Refresh refresh, SearcherFunction<T> function) {
        ensureOpen.run();
        return LuceneCalls.run(action, () -> {
            IndexWriters.Current current = writers.current();
            refresh.run(current.visibility()); // flushes the unrefreshed upserts into a segment, on this thread
            SearcherManager searchers = current.searchers();
            IndexSearcher searcher = searchers.acquire();
            try {
                return function.apply(searcher);
            } finally {
                searchers.release(searcher);
            }
        });
    }

    @FunctionalInterface
    private interface Refresh {
        void run(Visibility visibility) throws IOException;
    }

    @FunctionalInterface
    private interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }
}
