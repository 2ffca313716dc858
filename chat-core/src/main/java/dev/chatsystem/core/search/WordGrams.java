package dev.chatsystem.core.search;

import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p>Query words too short for a phrase match single terms of a second field, the {@linkplain #pieces pieces} of
 * the message's words: every character and every two consecutive characters of a word, and its first character
 * after the start mark. A word of one or two characters then contains {@code q} exactly when the message holds the
 * piece {@code q}, and a word starts with a one-character {@code q} exactly when it holds {@code ^q}: again postings
 * the chat filter skips through, where a wildcard query would walk the whole term dictionary (on 200,000 messages
 * of random letters, 72-97 ms of CPU for a one-letter word and 1.7-2.1 s for 32 of them, against 5-12 ms and
 * 4-8 ms). Chinese and Japanese text, which the tokenizer splits into one word per character, is searched through
 * these pieces.
 */
public final class WordGrams {
    /** Marks a word's start; the standard tokenizer never puts it inside a word. */
    static final String START = "^";

    /** The gram length, in code points. */
    public static final int LENGTH = 3;

    /** Shorter words index no grams: their pieces find them. */
    private static final int MIN_INDEXED_LENGTH = 2;

    /** The shortest query word a prefix phrase can express ({@code ^q} needs {@value #LENGTH} code points). */
    static final int MIN_PREFIX_LENGTH = LENGTH - 1;

    /** The shortest query word an infix phrase can express. */
    static final int MIN_INFIX_LENGTH = LENGTH;

    /** Code points need 21 bits; a piece's key holds two, and its kind above them. */
    private static final int CODE_POINT_BITS = 21;

    private static final long CODE_POINT_MASK = (1L << CODE_POINT_BITS) - 1;
    private static final long PAIR_PIECE = 1L << (2 * CODE_POINT_BITS);
    private static final long START_PIECE = 2L << (2 * CODE_POINT_BITS);

    /** How the index finds the words that start with, or contain, a query word. */
    public sealed interface Match {
        /** The words holding these trigrams in sequence: a phrase over the grams field. */
        record Phrase(List<String> grams) implements Match {}

        /** The messages holding this one term of the pieces field. */
        record Piece(String piece) implements Match {}
    }

    private WordGrams() {}

    /** How to find the words starting with the query word {@code word}. */
    public static Match prefix(String word) {
        return codePoints(word) >= MIN_PREFIX_LENGTH
                ? new Match.Phrase(grams(START + word))
                : new Match.Piece(START + word);
    }

    /** How to find the words containing the query word {@code word}. */
    public static Match infix(String word) {
        return codePoints(word) >= MIN_INFIX_LENGTH ? new Match.Phrase(grams(word)) : new Match.Piece(word);
    }

    /**
     * The distinct pieces of {@code words}, separated by spaces: every code point and every two consecutive code
     * points of each word, and each word's first code point after {@code ^}. One field value per message, whose
     * terms need no positions.
     *
     * <p>Pieces are collected as numbers (a kind and up to two code points) and sorted to drop duplicates: a set of
     * their strings made this five to ten times as costly as the trigrams, for every message indexed.
     */
    public static String pieces(Collection<String> words) {
        int capacity = 0;
        for (String word : words) {
            capacity += 2 * word.length();
        }
        long[] keys = new long[capacity];
        int count = 0;
        for (String word : words) {
            int length = word.length();
            if (length == 0) {
                continue;
            }
            int previous = word.codePointAt(0);
            keys[count++] = START_PIECE | previous;
            keys[count++] = previous;
            for (int i = Character.charCount(previous); i < length; ) {
                int current = word.codePointAt(i);
                keys[count++] = PAIR_PIECE | ((long) previous << CODE_POINT_BITS) | current;
                keys[count++] = current;
                previous = current;
                i += Character.charCount(current);
            }
        }
        Arrays.sort(keys, 0, count);
        StringBuilder joined = new StringBuilder(3 * count);
        for (int i = 0; i < count; i++) {
            if (i > 0 && keys[i] == keys[i - 1]) {
                continue;
            }
            if (!joined.isEmpty()) {
                joined.append(' ');
            }
            appendPiece(joined, keys[i]);
        }
        return joined.toString();
    }

    private static void appendPiece(StringBuilder joined, long key) {
        int last = (int) (key & CODE_POINT_MASK);
        if ((key & START_PIECE) != 0) {
            joined.append(START);
        } else if ((key & PAIR_PIECE) != 0) {
            joined.appendCodePoint((int) ((key >>> CODE_POINT_BITS) & CODE_POINT_MASK));
        }
        joined.appendCodePoint(last);
    }

    private static int codePoints(String word) {
        return word.codePointCount(0, word.length());
    }

    /** One field value per word: the word's trigrams separated by spaces; words too short are left out. */
    public static List<String> fieldValues(Collection<String> words) {
        List<String> values = new ArrayList<>(words.size());
        for (String word : words) {
            if (codePoints(word) >= MIN_INDEXED_LENGTH) {
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
