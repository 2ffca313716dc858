package dev.chatsystem.core.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.LinkedHashSet;
import java.util.SequencedSet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * Splits query text into the words a search looks for, exactly as the port specifies: Lucene's
 * {@code StandardAnalyzer} without stop words (the same tokenization as Elasticsearch's {@code standard}
 * analyzer), distinct words in order of appearance, at most {@link #MAX_WORDS} of them, each cut to
 * {@link #MAX_WORD_LENGTH} characters, after {@link #normalized normalizing} the text (bodies and queries alike). The
 * text is never parsed as query syntax.
 *
 * <p>Thread-safe; {@link #close} releases the analyzer.
 */
public final class QueryWords implements AutoCloseable {
    /** Words beyond this many are ignored: each one costs a term-dictionary scan. */
    public static final int MAX_WORDS = 32;
    /** Longer words are cut to this length, which bounds the size of the infix automaton. */
    public static final int MAX_WORD_LENGTH = 100;

    private final Analyzer analyzer = new StandardAnalyzer(CharArraySet.EMPTY_SET);

    /** The distinct analyzed words of {@code text}, in order, capped in number and length; empty when none. */
    public SequencedSet<String> words(String text) {
        return analyze(text, MAX_WORDS, MAX_WORD_LENGTH);
    }

    /**
     * The distinct analyzed words of a message body, in order: all of them, each as long as the tokenizer makes
     * it (at most 255 characters), which is what the index holds.
     */
    public SequencedSet<String> bodyWords(String text) {
        return analyze(text, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    private SequencedSet<String> analyze(String text, int maxWords, int maxLength) {
        SequencedSet<String> words = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream("body", normalized(text))) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (words.size() < maxWords && stream.incrementToken()) {
                words.add(truncate(term.toString(), maxLength));
            }
            stream.end();
        } catch (IOException e) {
            // Analyzing an in-memory string does no I/O.
            throw new UncheckedIOException(e);
        }
        return words;
    }

    /**
     * The wildcard pattern {@code *word*} matching {@code word} anywhere inside a word, with the wildcard
     * characters {@code *}, {@code ?} and the escape {@code \} escaped (the syntax Lucene's {@code WildcardQuery}
     * and Elasticsearch's {@code wildcard} query share).
     */
    public static String infixPattern(String word) {
        StringBuilder pattern = new StringBuilder(word.length() + 8).append('*');
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == '*' || c == '?' || c == '\\') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('*').toString();
    }

    @Override
    public void close() {
        analyzer.close();
    }

    /**
     * The text as words are compared: composed (NFC), so that an accent typed as a combining mark matches the same
     * letter typed precomposed, and with the typographic apostrophes phones type (U+2019, U+2018, U+02BC) as the
     * ASCII one, so that "don’t" and "don't" are one word.
     */
    public static String normalized(String text) {
        String composed = Normalizer.isNormalized(text, Normalizer.Form.NFC)
                ? text
                : Normalizer.normalize(text, Normalizer.Form.NFC);
        return composed.indexOf('\u2019') < 0 && composed.indexOf('\u2018') < 0 && composed.indexOf('\u02BC') < 0
                ? composed
                : composed.replace('\u2019', '\'').replace('\u2018', '\'').replace('\u02BC', '\'');
    }

    private static String truncate(String word, int maxLength) {
        if (word.length() <= maxLength) {
            return word;
        }
        int end = maxLength;
        if (Character.isHighSurrogate(word.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return word.substring(0, end);
    }
}
