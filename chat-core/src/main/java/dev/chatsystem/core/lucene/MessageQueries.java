package dev.chatsystem.core.lucene;

import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.search.WordGrams;
import java.util.List;
import java.util.Optional;
import java.util.SequencedSet;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.PhraseQuery;
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
 *
 * <p>Prefixes and infixes are phrases over the word trigrams ({@link WordGrams}); only words too short for a
 * trigram fall back to prefix and wildcard queries over the body's terms.
 */
final class MessageQueries {
    private static final float EXACT = 4f;
    private static final float PREFIX = 2f;
    private static final float INFIX = 1f;

    private final QueryWords queryWords;

    /** {@code queryWords} is the index's own, so both backends split text alike; the caller closes it. */
    MessageQueries(QueryWords queryWords) {
        this.queryWords = queryWords;
    }

    /** The query for these words within one chat, or empty when the text holds no words. */
    Optional<Query> build(String token, long chatNumber, String text) {
        SequencedSet<String> words = queryWords.words(text);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        query.add(new TermQuery(MessageDocuments.chatTerm(token, chatNumber)), Occur.FILTER);
        for (String word : words) {
            query.add(wordQuery(word), Occur.MUST);
        }
        return Optional.of(query.build());
    }

    private static Query wordQuery(String word) {
        return new BooleanQuery.Builder()
                .add(constant(new TermQuery(new Term(MessageDocuments.WORDS, word)), EXACT), Occur.SHOULD)
                .add(constant(prefix(word), PREFIX), Occur.SHOULD)
                .add(constant(infix(word), INFIX), Occur.SHOULD)
                .build();
    }

    private static Query prefix(String word) {
        List<String> grams = WordGrams.prefixGrams(word);
        return grams.isEmpty() ? new PrefixQuery(new Term(MessageDocuments.WORDS, word)) : phrase(grams);
    }

    private static Query infix(String word) {
        List<String> grams = WordGrams.infixGrams(word);
        return grams.isEmpty()
                ? new WildcardQuery(new Term(MessageDocuments.WORDS, QueryWords.infixPattern(word)))
                : phrase(grams);
    }

    /**
     * The grams in sequence. Grams that tile the sequence without overlap, plus the last one, pin down the same
     * characters as all of them, so only those are matched: fewer postings to intersect.
     */
    static Query phrase(List<String> grams) {
        int last = grams.size() - 1;
        if (last == 0) {
            return new TermQuery(new Term(MessageDocuments.GRAMS, grams.get(0)));
        }
        PhraseQuery.Builder phrase = new PhraseQuery.Builder();
        for (int position = 0; position < last; position += WordGrams.LENGTH) {
            phrase.add(new Term(MessageDocuments.GRAMS, grams.get(position)), position);
        }
        phrase.add(new Term(MessageDocuments.GRAMS, grams.get(last)), last);
        return phrase.build();
    }

    private static Query constant(Query query, float score) {
        return new BoostQuery(new ConstantScoreQuery(query), score);
    }
}
