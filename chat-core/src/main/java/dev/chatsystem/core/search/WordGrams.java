package dev.chatsystem.core.search;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Trigrams of words, computed here rather than by an n-gram tokenizer so that search needs nothing beyond a
 * whitespace analyzer: Elasticsearch's minimal distribution has no {@code ngram} tokenizer, and both backends must
 * index exactly the same grams.
 *
 * <p>A word is indexed as the trigrams of {@code ^word}, in order, one position apart; each word is a separate
 * value of the field, and values lie far apart in position, so a phrase never spans two words. A word then contains
 * {@code q} (three characters or more) exactly when it holds the phrase of {@code q}'s trigrams, and starts with
 * {@code q} (two or more) exactly when it holds the phrase of {@code ^q}'s trigrams. That turns both into phrase
 * queries whose postings a chat filter can skip through, instead of wildcard automata that must be built for each
 * query and enumerate the whole term dictionary. Grams count code points, never splitting a surrogate pair.
 */
public final class WordGrams {
    /** Marks a word's start; the standard tokenizer never puts it inside a word. */
    static final String START = "^";

    /** The gram length, in code points. */
    public static final int LENGTH = 3;

    /** Shorter words index no grams: whole-word terms already find them. */
    public static final int MIN_INDEXED_LENGTH = 2;

    /** The shortest query word a prefix phrase can express ({@code ^q} needs {@value #LENGTH} code points). */
    public static final int MIN_PREFIX_LENGTH = LENGTH - 1;

    /** The shortest query word an infix phrase can express. */
    public static final int MIN_INFIX_LENGTH = LENGTH;

    private WordGrams() {}

    /** One field value per word: the word's trigrams separated by spaces; words too short are left out. */
    public static List<String> fieldValues(Collection<String> words) {
        List<String> values = new ArrayList<>(words.size());
        for (String word : words) {
            if (word.codePointCount(0, word.length()) >= MIN_INDEXED_LENGTH) {
                values.add(joinedGrams(START + word));
            }
        }
        return values;
    }

    /**
     * {@code String.join(" ", grams(text))} for a text of at least {@value #LENGTH} code points, written straight into
     * one builder: every indexed message computes this for each of its words, and the gram strings, the code point
     * array and the list made it a fifth of what an index worker allocated.
     */
    static String joinedGrams(String text) {
        int length = text.length();
        StringBuilder joined = new StringBuilder(length * (LENGTH + 1));
        int start = 0;
        int end = text.offsetByCodePoints(0, LENGTH);
        while (true) {
            joined.append(text, start, end);
            if (end == length) {
                return joined.toString();
            }
            joined.append(' ');
            start += Character.charCount(text.codePointAt(start));
            end += Character.charCount(text.codePointAt(end));
        }
    }

    /** The grams a word starting with {@code word} holds in sequence; empty when it is too short. */
    public static List<String> prefixGrams(String word) {
        return word.codePointCount(0, word.length()) >= MIN_PREFIX_LENGTH ? grams(START + word) : List.of();
    }

    /** The grams a word containing {@code word} holds in sequence; empty when it is too short. */
    public static List<String> infixGrams(String word) {
        return word.codePointCount(0, word.length()) >= MIN_INFIX_LENGTH ? grams(word) : List.of();
    }

    /** Every run of {@value #LENGTH} consecutive code points of {@code text}, in order. */
    static List<String> grams(String text) {
        int[] codePoints = text.codePoints().toArray();
        List<String> grams = new ArrayList<>(Math.max(0, codePoints.length - LENGTH + 1));
        for (int i = 0; i + LENGTH <= codePoints.length; i++) {
            grams.add(new String(codePoints, i, LENGTH));
        }
        return grams;
    }
}
