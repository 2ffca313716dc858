package dev.chatsystem.core.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.InvalidInputException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The case folding of {@link WordNormalization}: what lower-casing one character at a time leaves apart. */
class WordNormalizationTest {
    private final QueryWords queryWords = new QueryWords();

    @AfterEach
    void close() {
        queryWords.close();
    }

    private List<String> words(String text) {
        return List.copyOf(queryWords.words(text));
    }

    /** Lower-cased one code point at a time, as the analyzers do after the normalization. */
    private static String asIndexed(String text) {
        StringBuilder out = new StringBuilder();
        WordNormalization.normalized(text).codePoints().forEach(c -> out.appendCodePoint(Character.toLowerCase(c)));
        return out.toString();
    }

    @Test
    void theDotlessIIsAnI() {
        assertThat(words("KIŞ GELDİ")).isEqualTo(words("kış geldi")).containsExactly("kiş", "geldi");
        assertThat(words("ı")).containsExactly("i");
    }

    /** Each spelling, its capital and its case folding are one word. */
    @ParameterizedTest
    @CsvSource({
        "5µm, 5μm, 5ΜM", // micro sign, Greek mu
        "ſtop, stop, STOP", // long s
        "ϐ, β, Β",
        "ϑ, θ, Θ",
        "ϕ, φ, Φ",
        "ϖ, π, Π",
        "ϰ, κ, Κ",
        "ϱ, ρ, Ρ",
        "ϵ, ε, Ε",
        "ẛ, ṡ, Ṡ", // long s with dot above
        "ſ\u0307, s\u0307, S\u0307",
        "ᲀ, в, В", // the old Cyrillic forms U+1C80-1C88
        "ᲁ, д, Д",
        "ᲂ, о, О",
        "ᲃ, с, С",
        "ᲄ, т, Т",
        "ᲅ, т, Т",
        "ᲆ, ъ, Ъ",
        "ᲇ, ѣ, Ѣ",
        "ᲈ, ꙋ, Ꙋ",
        "ς, σ, Σ", // final sigma
        "ß, ss, SS",
        "ẞ, ss, SS",
        "İ, i, I",
        "ǅ, ǆ, Ǆ", // a title-case digraph
        "\u13A0, \uAB70, \u13A0", // Cherokee, whose capital letters came first, and its small letters
        "\u13F8, \u13F8, \u13F0"
    })
    void aLetterAndItsCaseFoldingAreOneWord(String letter, String folded, String capital) {
        assertThat(words(letter)).isEqualTo(words(folded)).isEqualTo(words(capital));
    }

    /** Full-width ASCII, as Chinese, Japanese and Korean input methods type it, is ASCII. */
    @Test
    void fullWidthAsciiIsAscii() {
        assertThat(words("Ｗｉｆｉ")).isEqualTo(words("wifi")).containsExactly("wifi");
        assertThat(words("ＷＩＦＩ ｐａｓｓｗｏｒｄ")).containsExactly("wifi", "password");
        assertThat(words("ｄｏｎ＇ｔ")).containsExactly("don't");
        assertThat(words("ＩＰｖ６")).containsExactly("ipv6");
        assertThat(words("ｅ\u0301")).containsExactly("\u00E9"); // composes with the ASCII letter
        assertThat(WordNormalization.normalized("！～")).isEqualTo("!~");
        assertThat(WordNormalization.normalized("\uFF00\uFF5F")).isEqualTo("\uFF00\uFF5F"); // just outside
        assertThat(WordNormalization.normalized("ｶﾀｶﾅ")).isEqualTo("ｶﾀｶﾅ"); // half-width katakana are kept
    }

    /** Each Latin ligature is its letters. */
    @ParameterizedTest
    @CsvSource({"\uFB00, ff", "\uFB01, fi", "\uFB02, fl", "\uFB03, ffi", "\uFB04, ffl", "\uFB05, st", "\uFB06, st"})
    void aLigatureIsItsLetters(String ligature, String letters) {
        assertThat(WordNormalization.normalized(ligature)).isEqualTo(letters);
        assertThat(words("a" + ligature + "x")).containsExactly("a" + letters + "x");
    }

    @Test
    void aWordWithLigaturesIsTheWordWithout() {
        assertThat(words("\uFB01le")).isEqualTo(words("FILE")).containsExactly("file");
        assertThat(words("o\uFB03ce")).isEqualTo(words("office"));
    }

    /** The cap bounds the phrases a word makes, so a ligature counts as its letters, and the refusal says so. */
    @Test
    void aWordIsHeldToItsCapAsCompared() {
        assertThat(words("\uFB03".repeat(33))).containsExactly("ffi".repeat(33));
        assertThatThrownBy(() -> queryWords.words("\uFB03".repeat(34)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at most " + QueryWords.MAX_WORD_LENGTH + " characters, one has 102")
                .hasMessageContaining("ligature");
        assertThat(words("ａ".repeat(QueryWords.MAX_WORD_LENGTH))).containsExactly("a".repeat(100));
    }

    /** Not all of NFKC: superscripts and circled digits mean something else than the plain characters. */
    @Test
    void otherCompatibilityFormsAreKept() {
        assertThat(WordNormalization.normalized("m² ① ㎏ ℃")).isEqualTo("m² ① ㎏ ℃");
    }

    /** The iota subscript folds to ι, but as a mark it composes with its letter, as typed precomposed. */
    @Test
    void aMarkIsNotFolded() {
        assertThat(words("α\u0345")).isEqualTo(words("ᾳ")).isEqualTo(words("ᾼ"));
    }

    /** {@code String.equalsIgnoreCase} compares a letter's upper and lower case: every pair it finds is one word. */
    @Test
    void everyLetterIsOneWordWithItsCaseMapping() {
        List<String> differing = new ArrayList<>();
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(c -> Character.getType(c) != Character.SURROGATE && !isMark(c))
                .forEach(c -> {
                    String asIndexed = asIndexed(Character.toString(c));
                    for (int other :
                            new int[] {Character.toUpperCase(c), Character.toLowerCase(c), Character.toTitleCase(c)}) {
                        if (!isMark(other)
                                && !asIndexed(Character.toString(other)).equals(asIndexed)) {
                            differing.add(Character.toString(c) + " " + Character.toString(other));
                        }
                    }
                });
        assertThat(differing).isEmpty();
    }

    /**
     * What lets folding happen before composing, with no lower-casing after it: every folded letter is lower case,
     * composed, and composes with nothing before it.
     */
    @Test
    void everyFoldedLetterIsALowerCaseLetterThatComposesWithNothingBeforeIt() {
        Set<Integer> composingAfterAnother = new HashSet<>();
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(c -> Character.getType(c) != Character.SURROGATE)
                .forEach(c -> Normalizer.normalize(Character.toString(c), Normalizer.Form.NFD)
                        .codePoints()
                        .skip(1)
                        .forEach(composingAfterAnother::add));

        List<String> folded = new ArrayList<>();
        List<String> unfit = new ArrayList<>();
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(c -> Character.getType(c) != Character.SURROGATE)
                .filter(c -> Character.toLowerCase(Character.toUpperCase(c)) != Character.toLowerCase(c))
                .forEach(c -> {
                    String normalized = WordNormalization.normalized(Character.toString(c));
                    folded.add(normalized);
                    normalized.codePoints().forEach(f -> {
                        if (Character.toLowerCase(f) != f
                                || Character.toLowerCase(Character.toUpperCase(f)) != f && !isMark(f)
                                || composingAfterAnother.contains(f) && !isMark(f)
                                || !Normalizer.isNormalized(Character.toString(f), Normalizer.Form.NFC)) {
                            unfit.add(Character.toString(c));
                        }
                    });
                });
        assertThat(folded).hasSizeGreaterThan(20);
        assertThat(unfit).isEmpty();
    }

    /**
     * An Elasticsearch reindex copies the normalized bodies it holds and normalizes them again: that must change
     * nothing, for every character alone and before a mark.
     */
    @Test
    void normalizingTwiceChangesNothing() {
        int[] marks = {0x0301, 0x0307, 0x0308, 0x0323, 0x0345};
        List<String> changed = new ArrayList<>();
        IntStream.rangeClosed(0, Character.MAX_CODE_POINT)
                .filter(c -> Character.getType(c) != Character.SURROGATE)
                .forEach(c -> {
                    List<String> texts = new ArrayList<>(List.of(Character.toString(c)));
                    for (int mark : marks) {
                        texts.add(Character.toString(c) + Character.toString(mark));
                    }
                    for (String text : texts) {
                        String once = WordNormalization.normalized(text);
                        if (!WordNormalization.normalized(once).equals(once)) {
                            changed.add(text);
                        }
                    }
                });
        assertThat(changed).isEmpty();
    }

    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }
}
