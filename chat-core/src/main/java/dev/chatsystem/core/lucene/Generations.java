package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;

/**
 * Which full rebuild each document was last written in, so that a rebuild replaces the index in place without
 * clearing it first: documents written from its start on (by the rebuild, or by upserts meanwhile) carry its
 * generation, and completing it deletes the others, which the store no longer holds. Searches find every message
 * throughout. Generations start at a random value per open, so a rebuild's value is never one that documents of an
 * earlier process carry (those written before generations existed carry none).
 *
 * <p>Thread-safe. Writers hold {@link #writing} while they read {@link #current} and write, so no document is written
 * with a generation a rebuild has just left behind.
 */
final class Generations {
    /** The field holding a document's generation. */
    static final String FIELD = "generation";

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private long current = ThreadLocalRandom.current().nextLong();

    /** Held (shared) while writing documents with {@link #current}. */
    Lock writing() {
        return lock.readLock();
    }

    /** The generation documents are written with now; read under {@link #writing}. */
    long current() {
        return current;
    }

    /** Starts a new generation, once the writes under way have finished; returns it. */
    long next() {
        lock.writeLock().lock();
        try {
            return ++current;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Deletes from {@code writer} the documents not written in {@code generation}, unless a newer rebuild has started
     * (then false, deleting nothing): under the exclusive lock, so that none starts between the check and the delete
     * and loses its first documents to it.
     */
    boolean deleteAllBut(long generation, IndexWriter writer) throws IOException {
        lock.writeLock().lock();
        try {
            if (current != generation) {
                return false;
            }
            writer.deleteDocuments(notWrittenIn(generation));
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * The documents not written in {@code generation}. A scan of the doc values: it runs once per rebuild, while the
     * field is written with every document, where a column value costs less than an indexed point.
     */
    private static Query notWrittenIn(long generation) {
        return new BooleanQuery.Builder()
                .add(new MatchAllDocsQuery(), BooleanClause.Occur.FILTER)
                .add(NumericDocValuesField.newSlowExactQuery(FIELD, generation), BooleanClause.Occur.MUST_NOT)
                .build();
    }
}
