package dev.chatsystem.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.search.WordGrams.Match;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WordGramsTest {

    @Test
    void indexesTheTrigramsOfEachWordAfterAStartMark() {
        assertThat(WordGrams.fieldValues(List.of("hello", "ab", "a"))).containsExactly("^he hel ell llo", "^ab");
    }

    @Test
    void aPrefixIsTheStartOfTheIndexedSequence() {
        assertThat(WordGrams.prefix("hel")).isEqualTo(new Match.Phrase(List.of("^he", "hel")));
        assertThat(WordGrams.prefix("he")).isEqualTo(new Match.Phrase(List.of("^he")));
    }

    @Test
    void anInfixIsAnyRunOfTheIndexedSequenceWithoutTheMark() {
        assertThat(WordGrams.infix("ello")).isEqualTo(new Match.Phrase(List.of("ell", "llo")));
        assertThat(WordGrams.infix("llo")).isEqualTo(new Match.Phrase(List.of("llo")));
    }

    @Test
    void wordsTooShortForAPhraseMatchAPiece() {
        assertThat(WordGrams.prefix("h")).isEqualTo(new Match.Piece("^h"));
        assertThat(WordGrams.infix("ll")).isEqualTo(new Match.Piece("ll"));
        assertThat(WordGrams.infix("l")).isEqualTo(new Match.Piece("l"));
    }

    @Test
    void indexesEveryDistinctPieceOfOneAndTwoCharactersAndEachFirstCharacterMarked() {
        assertThat(WordGrams.pieces(List.of("hello", "a", "ll")).split(" "))
                .containsExactlyInAnyOrder("^h", "h", "he", "e", "el", "l", "ll", "lo", "o", "^a", "a", "^l");
        assertThat(WordGrams.pieces(List.of())).isEmpty();
    }

    @Test
    void thePiecesOfAWordAreExactlyWhatItsShortQueryWordsMatch() {
        // A word's pieces are the distinct pieces its prefix of one and its infixes of one and two code points match.
        char[] alphabet = {'a', 'b', 'é', '\u4e2d', '\uD835', '\uDC00'};
        Random random = new Random(11);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = 1 + random.nextInt(8); n > 0; n--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String word = text.toString();
            List<String> pieces = List.of(WordGrams.pieces(List.of(word)).split(" "));
            Set<String> expected = new HashSet<>();
            int[] codePoints = word.codePoints().toArray();
            for (int start = 0; start < codePoints.length; start++) {
                for (int end = start + 1; end <= Math.min(start + 2, codePoints.length); end++) {
                    String part = new String(codePoints, start, end - start);
                    expected.add(((Match.Piece) WordGrams.infix(part)).piece());
                    if (start == 0 && end == 1) {
                        expected.add(((Match.Piece) WordGrams.prefix(part)).piece());
                    }
                }
            }
            assertThat(pieces).as("%s", word).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void countsCodePointsAndNeverSplitsASurrogatePair() {
        String mathA = "\uD835\uDC00"; // one code point, two chars
        assertThat(WordGrams.fieldValues(List.of(mathA))).isEmpty();
        assertThat(WordGrams.fieldValues(List.of(mathA + mathA))).containsExactly("^" + mathA + mathA);
        assertThat(WordGrams.infix(mathA + "b" + mathA)).isEqualTo(new Match.Phrase(List.of(mathA + "b" + mathA)));
        assertThat(WordGrams.infix(mathA + "b")).isEqualTo(new Match.Piece(mathA + "b"));
        assertThat(WordGrams.pieces(List.of(mathA + "b")).split(" "))
                .containsExactlyInAnyOrder("^" + mathA, mathA, mathA + "b", "b");
    }

    @Test
    void joinedGramsAreTheGramsJoinedBySpaces() {
        // Random texts over ASCII, accented letters, pairs and lone halves of surrogates, compared with the list form.
        char[] alphabet = {'a', 'b', 'é', '\u4e2d', '\uD835', '\uDC00', '^', ' '};
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = 3 + random.nextInt(10); n > 0; n--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String value = text.toString();
            if (value.codePointCount(0, value.length()) >= WordGrams.LENGTH) {
                assertThat(WordGrams.joinedGrams(value))
                        .as("%s", value.chars().mapToObj(Integer::toHexString).toList())
                        .isEqualTo(String.join(" ", WordGrams.grams(value)));
            }
        }
    }
}
