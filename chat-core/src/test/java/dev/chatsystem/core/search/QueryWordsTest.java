package dev.chatsystem.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class QueryWordsTest {
    private final QueryWords queryWords = new QueryWords();

    @AfterEach
    void close() {
        queryWords.close();
    }

    private List<String> words(String text) {
        return List.copyOf(queryWords.words(text));
    }

    /** Soft hyphen, zero width non-joiner and joiner, LRM, RLM, bidi embeddings and isolates, word joiner, BOM, tag. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "\u00AD",
                "\u200C",
                "\u200D",
                "\u200E",
                "\u200F",
                "\u202A",
                "\u202E",
                "\u2060",
                "\u2066",
                "\u2069",
                "\uFEFF",
                "\uDB40\uDC01"
            })
    void formatCharactersInsideAWordAreDropped(String format) {
        assertThat(words("wonder" + format + "ful")).containsExactly("wonderful");
        assertThat(words(format + "wonderful" + format)).containsExactly("wonderful");
    }

    @Test
    void aWordCopiedWithItsBidiMarkIsTheWordAlone() {
        assertThat(words("שלום\u200F")).containsExactly("שלום");
        assertThat(words("\u202Bשלום\u202C")).containsExactly("שלום");
    }

    /** The tokenizer ends a word at a zero width space, as Thai or Khmer text written with it needs. */
    @Test
    void theZeroWidthSpaceStillSeparatesWords() {
        assertThat(words("foo\u200Bbar")).containsExactly("foo", "bar");
    }

    /** The tokenizer keeps the narrow no-break space inside a word (for Mongolian); it is a space like U+00A0. */
    @Test
    void theNarrowNoBreakSpaceSeparatesWords() {
        assertThat(words("Bonjour\u202F!")).containsExactly("bonjour");
        assertThat(words("ça va\u202F? 1\u202F000")).containsExactly("ça", "va", "1", "000");
        assertThat(QueryWords.normalized("«\u202Foui\u202F»")).isEqualTo("« oui »");
    }

    /** Marks that only choose how a letter is drawn go with the variation selectors. */
    @ParameterizedTest
    @ValueSource(strings = {"\u034F", "\u180B", "\u180C", "\u180D", "\u180F"})
    void invisibleMarksInsideAWordAreDropped(String mark) {
        assertThat(words("wonder" + mark + "ful")).containsExactly("wonderful");
    }

    /**
     * A subdivision flag is the black flag and tag characters (🏴 g b s c t, cancel tag): one emoji, kept whole so that
     * Scotland is not England. A tag anywhere else is invisible and goes.
     */
    @Test
    void aSubdivisionFlagKeepsItsTags() {
        String scotland = "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F";
        assertThat(words(scotland)).containsExactly(scotland);
        assertThat(words("go " + scotland + "!")).containsExactly("go", scotland);
        assertThat(words("\uD83C\uDFF4")).containsExactly("\uD83C\uDFF4");
        assertThat(words("wonder\uDB40\uDC67ful")).containsExactly("wonderful");
        assertThat(words("\u2764\uDB40\uDC67")).containsExactly("\u2764"); // only after the black flag
        assertThat(QueryWords.normalized(scotland)).isSameAs(scotland);
    }

    /** An emoji sequence loses its joiners and is searched as its emoji; no word is lost with them. */
    @Test
    void anEmojiSequenceIsItsEmoji() {
        assertThat(words("👨\u200D👩\u200D👧")).containsExactly("👨", "👩", "👧");
    }

    /** A variation selector chooses how a character is drawn, not which: the red heart phones send is the heart. */
    @Test
    void aVariationSelectorIsDropped() {
        assertThat(words("\u2764\uFE0F")).containsExactly("\u2764");
        assertThat(words("I \u2764\uFE0F you")).containsExactly("i", "\u2764", "you");
        assertThat(words("\u8FBB\uDB40\uDD00")).containsExactly("\u8FBB"); // an ideographic variation selector
    }

    /** Letters whose lower case alone has a precomposed form: the analyzers' lower case is composed again. */
    @Test
    void aCapitalWithACombiningMarkIsTheComposedLowerCaseLetter() {
        assertThat(words("J\u030C")).containsExactly("\u01F0");
        assertThat(words("\u01F0")).containsExactly("\u01F0");
        assertThat(words("\u03AA\u0301")).containsExactly("\u0390"); // capital iota with dialytika, and tonos
        assertThat(words("\u03AB\u0301")).containsExactly("\u03B0"); // capital upsilon with dialytika, and tonos
        assertThat(words("H\u0331")).containsExactly("\u1E96"); // h with line below
    }

    /** The analyzers lower-case İ to i, {@code String.toLowerCase} to i and a combining dot above: one word. */
    @Test
    void aDottedCapitalIIsAnI() {
        assertThat(words("İstanbul")).containsExactly("istanbul");
        assertThat(words("İSTANBUL".toLowerCase(Locale.ROOT))).containsExactly("istanbul");
        assertThat(words("I\u0307stanbul")).containsExactly("istanbul");
        assertThat(words("İ\u0301"))
                .isEqualTo(words("İ\u0301".toLowerCase(Locale.ROOT)))
                .containsExactly("í");
        assertThat(words("İ\u0307")).isEqualTo(words("i\u0307")).containsExactly("i");
    }

    /** Every letter that changes case, followed by a mark, makes the same word as its lower case followed by it. */
    @Test
    void everyCapitalWithAMarkIsOneWordWithItsLowerCase() {
        int[] marks = {
            0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0306, 0x0307, 0x0308, 0x030A, 0x030C, 0x0313, 0x0331, 0x0342,
            0x0345
        };
        List<String> differing = new ArrayList<>();
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(c -> Character.toLowerCase(c) != c)
                .forEach(c -> {
                    for (int mark : marks) {
                        String capital = Character.toString(c) + Character.toString(mark);
                        String lower = Character.toString(Character.toLowerCase(c)) + Character.toString(mark);
                        String asIndexed = lowerCasedLikeTheAnalyzers(QueryWords.normalized(capital));
                        if (!asIndexed.equals(lowerCasedLikeTheAnalyzers(QueryWords.normalized(lower)))
                                || !Normalizer.isNormalized(asIndexed, Normalizer.Form.NFC)) {
                            differing.add(capital);
                        }
                    }
                });
        assertThat(differing).isEmpty();
    }

    /** What lets text skip lower-casing unless a letter that changes case is followed by a mark. */
    @Test
    void aLowerCasedLetterIsComposedAndComposesWithNothingBeforeIt() {
        Set<Integer> composingAfterAnother = new HashSet<>();
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(c -> Character.getType(c) != Character.SURROGATE)
                .forEach(c -> Normalizer.normalize(Character.toString(c), Normalizer.Form.NFD)
                        .codePoints()
                        .skip(1)
                        .forEach(composingAfterAnother::add));

        List<String> composing = IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(c -> Character.toLowerCase(c) != c)
                .filter(c -> Normalizer.isNormalized(Character.toString(c), Normalizer.Form.NFC))
                .map(Character::toLowerCase)
                .filter(lower -> composingAfterAnother.contains(lower)
                        || !Normalizer.isNormalized(Character.toString(lower), Normalizer.Form.NFC))
                .mapToObj(Character::toString)
                .toList();
        assertThat(composing).isEmpty();
    }

    private static String lowerCasedLikeTheAnalyzers(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> out.appendCodePoint(Character.toLowerCase(c)));
        return out.toString();
    }

    /** It runs on every indexed body: text with nothing to change is not copied. */
    @ParameterizedTest
    @ValueSource(strings = {"plain words", "Ünïcödé ΦΩΣ İstanbul 日本語 한국어 😀🎉", "J and a caf\u00E9", "x\u200By"})
    void textWithNothingToChangeIsReturnedItself(String text) {
        assertThat(QueryWords.normalized(text)).isSameAs(text);
    }
}
