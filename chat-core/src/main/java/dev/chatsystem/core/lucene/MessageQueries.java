package dev.chatsystem.core.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.SequencedSet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
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
final class MessageQueries {
    /** Words beyond this many are ignored: each one costs a term-dictionary scan. */
    static final int MAX_WORDS = 32;
    /** Longer words are cut to this length, which bounds the size of the infix automaton. */
    static final int MAX_WORD_LENGTH = 100;

    private static final float EXACT = 4f;
    private static final float PREFIX = 2f;
    private static final float INFIX = 1f;

    private final Analyzer analyzer;

    MessageQueries(Analyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** The query for these words within one chat, or empty when the text holds no words. */
    Optional<Query> build(String token, long chatNumber, String text) {
        SequencedSet<String> words = words(text);
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

    /** The distinct analyzed words of {@code text}, in order, capped in number and length. */
    SequencedSet<String> words(String text) {
        SequencedSet<String> words = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream(MessageDocuments.WORDS, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (words.size() < MAX_WORDS && stream.incrementToken()) {
                words.add(truncate(term.toString()));
            }
            stream.end();
        } catch (IOException e) {
            // Analyzing an in-memory string does no I/O.
            throw new UncheckedIOException(e);
        }
        return words;
    }

    private static Query wordQuery(Term word) {
        return new BooleanQuery.Builder()
                .add(constant(new TermQuery(word), EXACT), Occur.SHOULD)
                .add(constant(new PrefixQuery(word), PREFIX), Occur.SHOULD)
                .add(constant(new WildcardQuery(infix(word)), INFIX), Occur.SHOULD)
                .build();
    }

    private static Query constant(Query query, float score) {
        return new BoostQuery(new ConstantScoreQuery(query), score);
    }

    private static Term infix(Term word) {
        String text = word.text();
        StringBuilder pattern = new StringBuilder(text.length() + 8).append(WildcardQuery.WILDCARD_STRING);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == WildcardQuery.WILDCARD_STRING
                    || c == WildcardQuery.WILDCARD_CHAR
                    || c == WildcardQuery.WILDCARD_ESCAPE) {
                pattern.append(WildcardQuery.WILDCARD_ESCAPE);
            }
            pattern.append(c);
        }
        return new Term(
                word.field(), pattern.append(WildcardQuery.WILDCARD_STRING).toString());
    }

    private static String truncate(String word) {
        if (word.length() <= MAX_WORD_LENGTH) {
            return word;
        }
        int end = MAX_WORD_LENGTH;
        if (Character.isHighSurrogate(word.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return word.substring(0, end);
    }
}
