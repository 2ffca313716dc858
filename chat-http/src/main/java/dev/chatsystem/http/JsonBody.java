package dev.chatsystem.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chatsystem.core.InvalidInputException;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads request bodies as JSON objects and extracts typed fields strictly: a number, {@code null}, an object or an
 * array where a string is expected is invalid input (400), never coerced. Unknown fields are ignored. Nothing may
 * follow the object, and the mapper's stream read constraints (nesting depth…) apply.
 *
 * <p>A field given twice counts with its last value, as a JSON tree or a data-bound record would have it.
 *
 * <p>Streams over the tokens instead of building a tree: the whole body is still read and validated before any field
 * is judged, so a syntax error anywhere wins over a missing field, and the details are those the tree reader gave.
 */
final class JsonBody {
    private final ObjectMapper mapper;

    JsonBody(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    /** The string field {@code field} of the JSON object in the body. */
    String requiredString(Context ctx, String field) {
        return requiredString(body(ctx), field);
    }

    /**
     * The body, read straight into an array of its declared length. Javalin's {@code bodyAsBytes} copies every body
     * through a fresh 8 KiB chunk and a growing buffer, then reads once more to find the end; it still reads a body
     * of unknown length (chunked), enforcing the maximum size (413). A declared length above the maximum never gets
     * here: the server refuses it before any handler runs.
     */
    private static byte[] body(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared < 0 || declared > ChatServer.MAX_REQUEST_SIZE) {
            return ctx.bodyAsBytes();
        }
        byte[] body;
        try {
            body = ctx.req().getInputStream().readNBytes((int) declared);
        } catch (IOException e) {
            throw new InvalidInputException("the request body could not be read");
        }
        if (body.length < declared) {
            throw new InvalidInputException("the request body is shorter than its Content-Length");
        }
        return body;
    }

    /** The string field {@code field} of the JSON object in {@code body}. */
    String requiredString(byte[] body, String field) {
        if (body.length == 0) {
            throw new InvalidInputException("the request body must be a JSON object");
        }
        // One pass over the bytes, before Jackson reads them: Jackson guesses UTF-16 and UTF-32 from the zero bytes of
        // their ASCII characters and decodes them without a word, so {"name":"x"} in UTF-16 was taken, while a body
        // in UTF-16 with a character past U+007F was refused as UTF-8 that is not well-formed. JSON in UTF-8 never
        // holds a zero byte (a U+0000 in a string must be escaped), so one is refused whatever the rest says.
        boolean ascii = true;
        boolean zero = false;
        for (byte b : body) {
            ascii &= b >= 0;
            zero |= b == 0;
        }
        if (zero) {
            throw invalidJson("it holds a zero byte, which UTF-8 JSON never does (a body must be UTF-8, not UTF-16"
                    + " or UTF-32; a U+0000 in a string is written \\u0000)");
        }
        JsonToken root;
        JsonToken value = null;
        String text = null;
        try (JsonParser parser = mapper.createParser(body)) { // the mapper's constraints and features
            root = parser.nextToken();
            if (root == null) {
                throw new InvalidInputException("the request body must be a JSON object");
            }
            if (root == JsonToken.START_OBJECT) {
                for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                    JsonToken token = parser.nextToken();
                    if (name.equals(field)) {
                        value = token;
                        text = token == JsonToken.VALUE_STRING ? parser.getText() : null;
                    }
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw invalidJson("nothing may follow the first value, found " + article(kind(trailing)));
            }
        } catch (JacksonException e) {
            throw invalidJson(e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidInputException("the request body could not be read");
        }
        if (!ascii && !wellFormedUtf8(body)) {
            throw invalidJson(
                    "it is not well-formed UTF-8 (a character in more bytes than it takes, or past U+10FFFF)");
        }
        if (root != JsonToken.START_OBJECT) {
            throw new InvalidInputException("the request body must be a JSON object, was " + kind(root));
        }
        if (value == null || value == JsonToken.VALUE_NULL) {
            throw new InvalidInputException("the request body needs a string field '" + field + "'");
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new InvalidInputException("'" + field + "' must be a string, was " + kind(value));
        }
        return text;
    }

    /**
     * Whether {@code body} is UTF-8 as RFC 3629 defines it. Jackson refuses most bytes that are not, but decodes
     * overlong forms ({@code C0 AF} as {@code /}) and code points past U+10FFFF without a word; a strict decoder
     * does not. Checked after the parse, so that what Jackson refuses keeps its own message, and only for a body
     * that is not all ASCII (which is UTF-8 as it is).
     */
    private static boolean wellFormedUtf8(byte[] body) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)); // reports malformed input by default
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static InvalidInputException invalidJson(String detail) {
        return new InvalidInputException("the request body is not valid JSON: " + detail);
    }

    private static String article(String kind) {
        return switch (kind) {
            case "null" -> "null";
            case "object", "array", "unknown" -> "an " + kind;
            default -> "a " + kind;
        };
    }

    /** The kind of a value starting with {@code token}, named as JSON trees name their node types. */
    private static String kind(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "object";
            case START_ARRAY -> "array";
            case VALUE_STRING -> "string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
            case VALUE_TRUE, VALUE_FALSE -> "boolean";
            case VALUE_NULL -> "null";
            default -> "unknown"; // embedded objects, never produced when parsing text
        };
    }
}
