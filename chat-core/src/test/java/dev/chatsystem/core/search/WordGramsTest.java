package dev.chatsystem.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WordGramsTest {

    @Test
    void indexesTheTrigramsOfEachWordAfterAStartMark() {
        assertThat(WordGrams.fieldValues(List.of("hello", "ab", "a"))).containsExactly("^he hel ell llo", "^ab");
    }

    @Test
    void aPrefixIsTheStartOfTheIndexedSequence() {
        assertThat(WordGrams.prefixGrams("hel")).containsExactly("^he", "hel");
        assertThat(WordGrams.prefixGrams("he")).containsExactly("^he");
        assertThat(WordGrams.prefixGrams("h")).isEmpty();
    }

    @Test
    void anInfixIsAnyRunOfTheIndexedSequenceWithoutTheMark() {
        assertThat(WordGrams.infixGrams("ello")).containsExactly("ell", "llo");
        assertThat(WordGrams.infixGrams("ll")).isEmpty();
    }

    @Test
    void countsCodePointsAndNeverSplitsASurrogatePair() {
        String mathA = "\uD835\uDC00"; // one code point, two chars
        assertThat(WordGrams.fieldValues(List.of(mathA))).isEmpty();
        assertThat(WordGrams.fieldValues(List.of(mathA + mathA))).containsExactly("^" + mathA + mathA);
        assertThat(WordGrams.infixGrams(mathA + "b" + mathA)).containsExactly(mathA + "b" + mathA);
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
