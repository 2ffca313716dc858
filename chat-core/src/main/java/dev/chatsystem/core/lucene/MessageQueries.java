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
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Turns user text into a query without ever parsing syntax: the text goes through the index analyzer and each
 * resulting word becomes a required clause matching it as a whole word, a prefix or an infix.
 *
 * <p>Every sub-clause scores a constant, so a word contributes 4 + 2 + 1 when it matches a whole word, 2 + 1 as a
 * prefix and 1 as an infix: the ranking does not depend on term statistics, which differ between shards, segments
 * and backends.
 *
 * <p>Prefixes and infixes are phrases over the word trigrams ({@link WordGrams}), or for words too short for those,
 * single terms of the words' pieces: never a wildcard, which would walk the whole term dictionary.
 *
 * <p>A whole word also matches as a prefix and an infix, so only a message holding every query word whole scores the
 * most (7 a word), and those rank newest first. {@link Search#wholeWords} finds just them, with no phrases to check
 * and nothing to score: when it fills the page, the page is that of the ranked query, found for a fraction of its
 * cost (a word in a seventh of a 10,000-message chat has some 1,400 matches, each of which the ranked query
 * scores with two phrase checks). Measured on the benchmark's searches (a random word or a prefix of one, so mostly
 * prefixes, in such a chat), alternated with the ranked query alone: 624-651 µs of server CPU per search against
 * 702-743. When they do not fill the page, the ranked query runs too, after a search that cost a few term lookups.
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

    /**
     * The queries of one search.
     *
     * @param wholeWords the messages holding every word whole, to be sorted newest first
     * @param ranked every match, scored, to be sorted by score and then newest first
     */
    record Search(Query wholeWords, Query ranked) {}

    /** The queries for these words within one chat, or empty when the text holds no words. */
    Optional<Search> build(String token, long chatNumber, String text) {
        SequencedSet<String> words = queryWords.words(text);
        if (words.isEmpty()) {
            return Optional.empty();
        }
        TermQuery chat = new TermQuery(MessageDocuments.chatTerm(token, chatNumber));
        BooleanQuery.Builder wholeWords = new BooleanQuery.Builder().add(chat, Occur.FILTER);
        BooleanQuery.Builder ranked = new BooleanQuery.Builder().add(chat, Occur.FILTER);
        for (String word : words) {
            wholeWords.add(wholeWord(word), Occur.FILTER);
            ranked.add(wordQuery(word), Occur.MUST);
        }
        return Optional.of(new Search(wholeWords.build(), ranked.build()));
    }

    private static TermQuery wholeWord(String word) {
        return new TermQuery(new Term(MessageDocuments.WORDS, word));
    }

    private static Query wordQuery(String word) {
        return new BooleanQuery.Builder()
                .add(constant(wholeWord(word), EXACT), Occur.SHOULD)
                .add(constant(query(WordGrams.prefix(word)), PREFIX), Occur.SHOULD)
                .add(constant(query(WordGrams.infix(word)), INFIX), Occur.SHOULD)
                .build();
    }

    private static Query query(WordGrams.Match match) {
        return switch (match) {
            case WordGrams.Match.Phrase(List<String> grams) -> phrase(grams);
            case WordGrams.Match.Piece(String piece) -> new TermQuery(new Term(MessageDocuments.PIECES, piece));
        };
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
