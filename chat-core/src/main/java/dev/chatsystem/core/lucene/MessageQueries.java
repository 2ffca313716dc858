package dev.chatsystem.core.lucene;

import dev.chatsystem.core.search.QueryWords;
import java.util.Optional;
import java.util.SequencedSet;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * Turns user text into a query without ever parsing syntax: the text goes through the index analyzer and each
 * resulting word becomes a required clause matching it as a whole word, a prefix or an infix.
 *
 * <p>Every sub-clause scores a constant, so a word contributes 4 + 2 + 1 when it matches a whole word, 2 + 1 as a
 * prefix and 1 as an infix: the ranking does not depend on term statistics, which differ between shards, segments
 * and backends.
 */
final class MessageQueries implements java.io.Closeable {
    /** Words beyond this many are ignored: each one costs a term-dictionary scan. */
    static final int MAX_WORDS = QueryWords.MAX_WORDS;
    /** Longer words are cut to this length, which bounds the size of the infix automaton. */
    static final int MAX_WORD_LENGTH = QueryWords.MAX_WORD_LENGTH;

    private static final float EXACT = 4f;
    private static final float PREFIX = 2f;
    private static final float INFIX = 1f;

    /** The same word splitting as the Elasticsearch adapter, so both backends answer alike. */
    private final QueryWords queryWords = new QueryWords();

    /** The query for these words within one chat, or empty when the text holds no words. */
    Optional<Query> build(String token, long chatNumber, String text) {
        SequencedSet<String> words = queryWords.words(text);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        query.add(new TermQuery(MessageDocuments.chatTerm(token, chatNumber)), Occur.FILTER);
        for (String word : words) {
            query.add(wordQuery(new Term(MessageDocuments.WORDS, word)), Occur.MUST);
        }
        return Optional.of(query.build());
    }

    @Override
    public void close() {
        queryWords.close();
    }

    private static Query wordQuery(Term word) {
        Term infix = new Term(word.field(), QueryWords.infixPattern(word.text()));
        return new BooleanQuery.Builder()
                .add(constant(new TermQuery(word), EXACT), Occur.SHOULD)
                .add(constant(new PrefixQuery(word), PREFIX), Occur.SHOULD)
                .add(constant(new WildcardQuery(infix), INFIX), Occur.SHOULD)
                .build();
    }

    private static Query constant(Query query, float score) {
        return new BoostQuery(new ConstantScoreQuery(query), score);
    }
}
