package dev.chatsystem.core.search;

import dev.chatsystem.core.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * analyzer), distinct words in order of appearance, after {@link #normalized normalizing} the text (bodies and
 * queries alike). A query of more than {@link #MAX_WORDS} words, or with a word longer than {@link #MAX_WORD_LENGTH}
 * characters, is refused with {@link InvalidInputException}: ignoring the rest, or cutting a word, would answer
 * messages that do not hold what was asked for. Words are counted and measured as compared, normalized: ß or a
 * ligature such as ﬃ counts as the two or three letters it stands for, since those make the phrases the cap bounds.
 * The text is never parsed as query syntax.
 *
 * <p>Thread-safe; {@link #close} releases the analyzer.
 */
public final class QueryWords implements AutoCloseable {
    /** The most words a query may hold: each one is a required clause of three. */
    public static final int MAX_WORDS = 32;
    /** The longest word a query may hold, which bounds the length of its phrases. */
    public static final int MAX_WORD_LENGTH = 100;

    private final Analyzer analyzer = new StandardAnalyzer(CharArraySet.EMPTY_SET);

    /**
     * The distinct analyzed words of query {@code text}, in order; empty when none.
     *
     * @throws InvalidInputException when it holds more than {@link #MAX_WORDS} words or a word longer than {@link
     *     #MAX_WORD_LENGTH} characters
     */
    public SequencedSet<String> words(String text) {
        SequencedSet<String> words = analyze(text, MAX_WORDS + 1);
        if (words.size() > MAX_WORDS) {
            throw new InvalidInputException("a search may hold at most " + MAX_WORDS
                    + " distinct words (each Chinese or Hiragana character counts as one)");
        }
        for (String word : words) {
            if (word.length() > MAX_WORD_LENGTH) {
                throw new InvalidInputException(
                        "a search word may have at most " + MAX_WORD_LENGTH + " characters, one has " + word.length()
                                + " (ß or a ligature such as ﬁ counts as its letters)");
            }
        }
        return words;
    }

    /**
     * Whether every one of {@code words} (as {@link #words} gives them) occurs inside a word of {@code body}, whole, as
     * a prefix or as an infix: what an index matches, for a body the index has not seen.
     */
    public boolean matches(SequencedSet<String> words, String body) {
        SequencedSet<String> bodyWords = bodyWords(body);
        return words.stream().allMatch(word -> bodyWords.stream().anyMatch(bodyWord -> bodyWord.contains(word)));
    }

    /**
     * The distinct analyzed words of a message body, in order: all of them, each as long as the tokenizer makes
     * it (at most 255 characters), which is what the index holds.
     */
    public SequencedSet<String> bodyWords(String text) {
        return analyze(text, Integer.MAX_VALUE);
    }

    private SequencedSet<String> analyze(String text, int maxWords) {
        SequencedSet<String> words = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream("body", normalized(text))) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (words.size() < maxWords && stream.incrementToken()) {
                words.add(term.toString());
            }
            stream.end();
        } catch (IOException e) {
            // Analyzing an in-memory string does no I/O.
            throw new UncheckedIOException(e);
        }
        return words;
    }

    @Override
    public void close() {
        analyzer.close();
    }

    /**
     * The text as words are compared, bodies and queries alike: without the invisible characters the tokenizer would
     * keep inside a word (soft hyphens, bidi marks, joiners), so that "wonder\u00ADful" is "wonderful"; with the
     * narrow no-break space (U+202F), which the tokenizer would keep inside a word too, as a space; composed
     * (NFC), so that an accent typed as a combining mark matches the same letter typed precomposed, in capitals too
     * ("J\u030C" is "ǰ" once lower-cased); with the "i\u0307" that {@code String.toLowerCase} makes of "İ" as the i
     * the analyzers make of it; with the typographic apostrophes phones type (U+2019, U+2018, U+02BC) as the ASCII
     * one, so that "don’t" and "don't" are one word; and with the letters that lower-casing one character at a time
     * (what the analyzers do) cannot fold as their case folding: the final sigma as σ, so that "ΦΩΣ" finds "φως", ß
     * (ẞ) as ss, so that "STRASSE" finds "straße", the dotless ı as i, so that "KIŞ" finds "kış", the micro sign µ
     * as μ, the long ſ as s, and a few more; and with the full-width forms of ASCII (U+FF01-FF5E) as ASCII and the
     * Latin ligatures (U+FB00-FB06) as their letters, so that "Ｗｉｆｉ" finds "wifi" and "ﬁle" finds "file".
     */
    public static String normalized(String text) {
        return WordNormalization.normalized(text);
    }
}
