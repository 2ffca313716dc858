package dev.chatsystem.http;

import dev.chatsystem.core.InvalidInputException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A request's query string, decoded strictly. Javalin's own decoding drops a parameter whose escape is malformed
 * ({@code ?limit=10%} read as no limit at all: a full page instead of a 400) and turns bytes that are not UTF-8 into
 * U+FFFD (a search for something nobody asked for); here either is a 400. A {@code +} is a space, as HTML forms send
 * it, and the first of repeated names counts, as with Javalin.
 */
final class QueryString {
    static final String MALFORMED = "the query string must be percent-encoded UTF-8"
            + " (a '%' followed by two hex digits, the bytes of UTF-8 characters)";

    /** The request attribute that holds the parsed query string. */
    private static final String ATTRIBUTE = QueryString.class.getName();

    private final Map<String, String> first;

    private QueryString(Map<String, String> first) {
        this.first = first;
    }

    /** The request's query string, parsed once and kept with the request for the handler's later calls. */
    static QueryString of(Context ctx) {
        QueryString parsed = ctx.attribute(ATTRIBUTE);
        if (parsed == null) {
            parsed = parse(ctx.queryString());
            ctx.attribute(ATTRIBUTE, parsed);
        }
        return parsed;
    }

    /**
     * Refuses a malformed query string on every API route, whether its handler reads parameters or not: it was a 400
     * only where one was read (lists, search), and a show or a create ignored it. Run before the handler, so a create
     * refused here creates nothing; a request without a query string costs nothing.
     */
    static void check(Context ctx) {
        if (ctx.queryString() != null) {
            of(ctx);
        }
    }

    /** Parses a raw query string ({@code a=1&b=x+y}); null or empty has no parameters. */
    static QueryString parse(String raw) {
        Map<String, String> first = new HashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                first.putIfAbsent(name, value);
            }
        }
        return new QueryString(first);
    }

    /** The first value of {@code name}. */
    Optional<String> get(String name) {
        return Optional.ofNullable(first.get(name));
    }

    /** An ASCII hex digit's value, else -1: {@link Character#digit} would also take full-width and other digits. */
    private static int hexDigit(char c) {
        return c < 0x80 ? Character.digit(c, 16) : -1;
    }

    private static String decode(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                int high = i + 1 < text.length() ? hexDigit(text.charAt(i + 1)) : -1;
                int low = i + 2 < text.length() ? hexDigit(text.charAt(i + 2)) : -1;
                if (high < 0 || low < 0) {
                    throw new InvalidInputException(MALFORMED);
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else if (c == '\uFFFD') { // what the server made of raw bytes that are not UTF-8
                throw new InvalidInputException(MALFORMED);
            } else { // a character the server let through unescaped: its UTF-8 bytes (a pair of surrogates together)
                int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
                bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(MALFORMED);
        }
    }
}
