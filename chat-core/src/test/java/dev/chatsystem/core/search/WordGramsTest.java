package dev.chatsystem.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
}
