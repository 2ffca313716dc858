package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.InvalidInputException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

    @Test
    void namesAreTrimmedAndBounded() {
        assertThat(Validation.applicationName("  chat app \n")).isEqualTo("chat app");
        assertThat(Validation.applicationName("x".repeat(255))).hasSize(255);
        assertThatThrownBy(() -> Validation.applicationName("x".repeat(256)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("255");
    }

    @Test
    void nameLengthIsCountedInUtf16CodeUnitsAsTheReadmeSays() {
        String longest = "\uD83D\uDE80".repeat(127) + "x"; // 127 rockets and an x: 128 characters, 255 code units
        assertThat(Validation.applicationName(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> Validation.applicationName("\uD83D\uDE80".repeat(128)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("name must be at most 255 UTF-16 code units (emoji and other characters outside the Basic"
                        + " Multilingual Plane count as two), was 256");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n", "a\u0000b", "bell\u0007"})
    void blankOrControlNamesAreRejected(String name) {
        assertThatThrownBy(() -> Validation.applicationName(name)).isInstanceOf(InvalidInputException.class);
    }

    // No-break and ideographic spaces, and format characters that show nothing: String.isBlank() knows none of them.
    @ParameterizedTest
    @ValueSource(strings = {"\u00a0", "\u2007", "\u202f", "\u3000", "\u200b", "\u2060", "\ufeff", " \u00a0\u200b\n"})
    void namesBodiesAndQueriesOfInvisibleCharactersAreBlank(String invisible) {
        assertThatThrownBy(() -> Validation.applicationName(invisible)).hasMessage("name must not be blank");
        assertThatThrownBy(() -> Validation.messageBody(invisible)).hasMessage("body must not be blank");
        assertThatThrownBy(() -> Validation.searchQuery(invisible))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("query is required and must not be blank");
    }

    @Test
    void namesAreTrimmedOfInvisibleCharactersAndBodiesAreNot() {
        assertThat(Validation.applicationName("\u00a0\ufeffchat\u00a0app\u200b\u202f"))
                .isEqualTo("chat\u00a0app");
        assertThat(Validation.applicationName("\u00a0" + "x".repeat(255) + "\u200b"))
                .hasSize(255);
        assertThat(Validation.messageBody("\u00a0hi\u200b")).isEqualTo("\u00a0hi\u200b");
    }

    @Test
    void nullInputsAreRejectedAsRequired() {
        assertThatThrownBy(() -> Validation.applicationName(null)).hasMessageContaining("required");
        assertThatThrownBy(() -> Validation.messageBody(null)).hasMessageContaining("required");
        assertThatThrownBy(() -> Validation.searchQuery(null)).hasMessageContaining("required");
    }

    @Test
    void bodiesAreMeasuredInUtf8Bytes() {
        String ascii = "a".repeat(65_535);
        assertThat(Validation.messageBody(ascii)).isSameAs(ascii);
        assertThatThrownBy(() -> Validation.messageBody(ascii + "a")).hasMessageContaining("65535");
        String threeByteChars = "€".repeat(21_845); // 65,535 bytes
        assertThat(Validation.messageBody(threeByteChars)).isSameAs(threeByteChars);
        assertThatThrownBy(() -> Validation.messageBody(threeByteChars + "€"))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void bodiesKeepTheirWhitespaceButMustNotBeBlank() {
        assertThat(Validation.messageBody("  hi  ")).isEqualTo("  hi  ");
        assertThatThrownBy(() -> Validation.messageBody(" \n\t ")).hasMessageContaining("blank");
    }

    @Test
    void unpairedSurrogatesAreRejected() {
        assertThatThrownBy(() -> Validation.messageBody("broken \uD800 text"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("surrogate");
        assertThat(Validation.messageBody("emoji 😀")).isEqualTo("emoji 😀");
    }

    @Test
    void numbersAndLimitsAreChecked() {
        assertThat(Validation.number("chat_number", 1)).isEqualTo(1);
        assertThatThrownBy(() -> Validation.number("chat_number", 0)).hasMessageContaining("chat_number");
        assertThatThrownBy(() -> Validation.searchLimit(0)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Validation.searchLimit(1001)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> Validation.searchQuery("q".repeat(1001))).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void tokensAreLongUrlSafeAndUnique() {
        Tokens tokens = new Tokens();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String token = tokens.next();
            assertThat(token).hasSize(32).matches("[A-Za-z0-9][A-Za-z0-9_-]+");
            assertThat(Tokens.plausible(token)).isTrue();
            seen.add(token);
        }
        assertThat(seen).hasSize(10_000);
        assertThat(Tokens.plausible("../etc/passwd")).isFalse();
        assertThat(Tokens.plausible("")).isFalse();
        assertThat(Tokens.plausible("x".repeat(65))).isFalse();
    }
}
