package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader of one string field: its edge cases, and the same answer, value or detail, as the JSON tree
 * reader it replaced gives for every body of a corpus and of its random mutations.
 */
class JsonBodyTest {
    private static final ObjectMapper MAPPER = ChatServer.objectMapper();
    private static final JsonBody JSON = new JsonBody(MAPPER);

    @Test
    void readsTheStringField() {
        assertThat(read("{\"name\":\"x\"}")).isEqualTo("x");
        assertThat(read("  {\"name\" : \"\\u00e9\\n\"}\r\n")).isEqualTo("\u00e9\n");
        assertThat(read("\uFEFF{\"name\":\"after a byte order mark\"}")).isEqualTo("after a byte order mark");
        assertThat(read("{\"name\":\"\"}")).isEmpty();
        assertThat(read("{\"a\":{\"name\":5},\"b\":[{\"name\":null}],\"name\":\"top level only\"}"))
                .isEqualTo("top level only");
    }

    @Test
    void aFieldGivenTwiceCountsWithItsLastValue() {
        assertThat(read("{\"name\":\"first\",\"name\":\"last\"}")).isEqualTo("last");
        assertThat(read("{\"name\":5,\"name\":\"last\"}")).isEqualTo("last");
        assertInvalid("{\"name\":\"x\",\"name\":null}", "the request body needs a string field 'name'");
        assertInvalid("{\"name\":\"x\",\"name\":[]}", "'name' must be a string, was array");
    }

    @Test
    void refusesWhatIsNotAnObjectWithAStringField() {
        assertInvalid("", "the request body must be a JSON object");
        assertInvalid(" \n\t", "the request body must be a JSON object");
        assertInvalid("[]", "the request body must be a JSON object, was array");
        assertInvalid("null", "the request body must be a JSON object, was null");
        assertInvalid("1.5", "the request body must be a JSON object, was number");
        assertInvalid("\"name\"", "the request body must be a JSON object, was string");
        assertInvalid("false", "the request body must be a JSON object, was boolean");
        assertInvalid("{}", "the request body needs a string field 'name'");
        assertInvalid("{\"nom\":\"x\"}", "the request body needs a string field 'name'");
        assertInvalid("{\"name\":null}", "the request body needs a string field 'name'");
        assertInvalid("{\"name\":{}}", "'name' must be a string, was object");
        assertInvalid("{\"name\":-0.5e3}", "'name' must be a string, was number");
        assertInvalid("{\"name\":7}", "'name' must be a string, was number");
        assertInvalid("{\"name\":true}", "'name' must be a string, was boolean");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"name\":\"x\"} {}|an object",
                "{\"name\":\"x\"} \"s\"|a string",
                "{} 1|a number",
                "{} [true]|an array",
                "[] null|null",
            })
    void refusesTrailingValuesBeforeJudgingTheFirst(String body, String found) {
        assertInvalid(body, "the request body is not valid JSON: nothing may follow the first value, found " + found);
    }

    @Test
    void aSyntaxErrorAnywhereWinsOverTheField() {
        assertInvalidStartingWith(
                "{\"name\":5,\"a\":[1 2]}", "the request body is not valid JSON: Unexpected character ('2'");
        assertInvalidStartingWith(
                "{\"name\":\"x\"} trailing", "the request body is not valid JSON: Unrecognized token 'trailing'");
        assertInvalidStartingWith("{\"name\":\"x\"", "the request body is not valid JSON: Unexpected end-of-input");
        byte[] badUtf8InAnUnknownField = "{\"a\":\"?\",\"name\":\"x\"}".getBytes(StandardCharsets.US_ASCII);
        badUtf8InAnUnknownField[6] = (byte) 0xFF;
        assertThatThrownBy(() -> JSON.requiredString(badUtf8InAnUnknownField, "name"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("the request body is not valid JSON: Invalid UTF-8 start byte 0xff");
    }

    @Test
    void nestsSixtyFourLevelsDeepAndNoMore() {
        String deepest = "{\"a\":" + "[".repeat(63) + "]".repeat(63) + ",\"name\":\"x\"}";
        assertThat(read(deepest)).isEqualTo("x");
        assertInvalidStartingWith(
                "{\"a\":" + "[".repeat(64) + "]".repeat(64) + ",\"name\":\"x\"}",
                "the request body is not valid JSON: Document nesting depth (65) exceeds the maximum allowed (64");
        assertInvalid("[".repeat(64) + "]".repeat(64), "the request body must be a JSON object, was array");
    }

    /** Jackson decodes these without a word ({@code C0 AF} as {@code /}); JSON is UTF-8, and they are not. */
    @ParameterizedTest
    @ValueSource(strings = {"C0AF", "C180", "E080AF", "F08080AF", "F4908080", "F5808080"})
    void refusesBytesThatAreNotUtf8ThoughJacksonDecodesThem(String hex) {
        byte[] body = ("{\"name\":\"x" + "\u0000" + "\"}").getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = java.util.HexFormat.of().parseHex(hex);
        byte[] spliced = splice(body, 10, 1, bytes);

        assertThatThrownBy(() -> JSON.requiredString(spliced, "name"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("the request body is not valid JSON: it is not well-formed UTF-8");
        assertThat(JSON.requiredString("{\"name\":\"x\u00e9\uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8), "name"))
                .isEqualTo("x\u00e9\uD83D\uDE00");
    }

    /** Jackson guesses UTF-16 and UTF-32 from zero bytes and decodes them; JSON in UTF-8 never holds one. */
    @ParameterizedTest
    @ValueSource(strings = {"UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32BE", "UTF-32LE"})
    void refusesUtf16AndUtf32ThoughJacksonDecodesThem(String charset) throws Exception {
        byte[] body = "{\"name\":\"x\"}".getBytes(java.nio.charset.Charset.forName(charset));

        assertThatThrownBy(() -> JSON.requiredString(body, "name"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("the request body is not valid JSON: it holds a zero byte");
        assertThat(MAPPER.readTree(body).get("name").asText()).isEqualTo("x"); // what Jackson alone makes of it
    }

    @Test
    void refusesARawZeroByteAnywhere() {
        for (String body : new String[] {"{\"name\":\"x\u0000\"}", "{\"name\":\"x\"}\u0000", "\u0000"}) {
            assertInvalidStartingWith(body, "the request body is not valid JSON: it holds a zero byte");
        }
        assertThat(read("{\"name\":\"x\\u0000\"}")).isEqualTo("x\u0000"); // escaped, as JSON has it
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void answersAsTheTreeReaderDid(String body) {
        assertSameAsTree(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void answersAsTheTreeReaderDidForMutatedBodies() {
        Random random = new Random(20_261_126L);
        byte[] alphabet = "{}[]:,\" \\nul0-1.e5tfasbody\u00e9x\t/".getBytes(StandardCharsets.UTF_8);
        List<String> corpus = corpus();
        for (int i = 0; i < 5_000; i++) {
            byte[] body = corpus.get(random.nextInt(corpus.size())).getBytes(StandardCharsets.UTF_8);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits && body.length > 0; e++) {
                int at = random.nextInt(body.length);
                body = switch (random.nextInt(3)) {
                    case 0 -> splice(body, at, 1, new byte[0]);
                    case 1 -> splice(body, at, 0, new byte[] {alphabet[random.nextInt(alphabet.length)]});
                    default -> splice(body, at, 1, new byte[] {alphabet[random.nextInt(alphabet.length)]});
                };
            }
            assertSameAsTree(body);
        }
    }

    static List<String> corpus() {
        List<String> bodies = new ArrayList<>(List.of(
                "{\"body\":\"hello\"}",
                "{\"body\":\"x\",\"body\":\"y\"}",
                "{\"body\":null,\"extra\":[1,2.5,-3e2,true,false,null,{\"k\":\"v\"}]}",
                "{\"extra\":{\"body\":\"nested\"},\"body\":\"\\u0041\\ud800\\t\"}",
                "[{\"body\":\"x\"}]",
                "{\"body\":1e99999}",
                "{\"body\":\"x\"} ",
                "null",
                "\"body\"",
                "{\"a\":" + "1".repeat(1001) + ",\"body\":\"x\"}",
                "{\"a\":NaN}",
                "{\"a\":01}",
                "{'body':'x'}",
                "{\"body\":\"x\",}",
                "{\"body\":\"x\"}/*c*/"));
        bodies.add("{\"a\":" + "[".repeat(63) + "]".repeat(63) + ",\"body\":\"x\"}");
        bodies.add("{\"a\":" + "{\"b\":".repeat(63) + "1" + "}".repeat(63) + ",\"body\":\"x\"}");
        return bodies;
    }

    private static void assertSameAsTree(byte[] body) {
        String expected = tree(body);
        String actual;
        try {
            actual = "value " + JSON.requiredString(body, "body");
        } catch (InvalidInputException e) {
            actual = "invalid " + e.getMessage();
        }
        if (!actual.equals(expected)) { // describing every body would cost more than the reading
            assertThat(actual).as(new String(body, StandardCharsets.UTF_8)).isEqualTo(expected);
        }
    }

    /** Jackson's trailing-token message named its own classes; the reader says what was found in JSON terms. */
    private static String ownWording(String detail) {
        Matcher trailing = Pattern.compile("Trailing token \\(of type (\\w+)\\) found after value.*")
                .matcher(detail);
        if (!trailing.matches()) {
            return detail;
        }
        String found = switch (trailing.group(1)) {
            case "START_OBJECT" -> "an object";
            case "START_ARRAY" -> "an array";
            case "VALUE_STRING" -> "a string";
            case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> "a number";
            case "VALUE_TRUE", "VALUE_FALSE" -> "a boolean";
            case "VALUE_NULL" -> "null";
            default -> throw new AssertionError(detail);
        };
        return "nothing may follow the first value, found " + found;
    }

    /** The reader this one replaced: a tree of the whole body, then the field. */
    private static String tree(byte[] body) {
        JsonNode node;
        try {
            node = body.length == 0 ? null : MAPPER.readTree(body);
        } catch (JacksonException e) {
            return "invalid the request body is not valid JSON: " + ownWording(e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return "invalid the request body could not be read";
        }
        if (node == null || node.isMissingNode()) {
            return "invalid the request body must be a JSON object";
        }
        if (!node.isObject()) {
            return "invalid the request body must be a JSON object, was " + type(node);
        }
        JsonNode value = node.get("body");
        if (value == null || value.isNull()) {
            return "invalid the request body needs a string field 'body'";
        }
        if (!value.isTextual()) {
            return "invalid 'body' must be a string, was " + type(value);
        }
        return "value " + value.textValue();
    }

    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static byte[] splice(byte[] body, int at, int remove, byte[] insert) {
        byte[] result = new byte[body.length - remove + insert.length];
        System.arraycopy(body, 0, result, 0, at);
        System.arraycopy(insert, 0, result, at, insert.length);
        System.arraycopy(body, at + remove, result, at + insert.length, body.length - at - remove);
        return result;
    }

    private static String read(String body) {
        return JSON.requiredString(body.getBytes(StandardCharsets.UTF_8), "name");
    }

    private static void assertInvalid(String body, String detail) {
        assertThatThrownBy(() -> read(body))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage(detail);
    }

    private static void assertInvalidStartingWith(String body, String detailStart) {
        assertThatThrownBy(() -> read(body))
                .isInstanceOf(InvalidInputException.class)
                .message()
                .startsWith(detailStart);
    }
}
