package dev.chatsystem.core.internal;

import dev.chatsystem.core.IdempotencyKey;
import dev.chatsystem.core.InvalidInputException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The input rules of the API, checked before any backend is touched. */
final class Validation {
    static final int MAX_NAME_LENGTH = 255;
    static final int MAX_BODY_BYTES = 65_535;
    static final int MAX_QUERY_LENGTH = 1_000;
    static final int MAX_SEARCH_LIMIT = 1_000;

    private Validation() {}

    /**
     * The name trimmed of {@linkplain #invisible invisible characters}: 1..255 characters as {@link String#length()}
     * counts them (UTF-16 code units: one outside the Basic Multilingual Plane, such as most emoji, counts as two), no
     * control characters. Both stores' {@code VARCHAR(255)} hold every such name: H2 counts UTF-16 units too, MySQL
     * counts code points, which are never more. Counting code points here would let H2 refuse, as a failure of the
     * store, a name of more than 127 emoji.
     */
    static String applicationName(String name) {
        if (name == null) {
            throw new InvalidInputException("name is required");
        }
        String trimmed = trimInvisible(name);
        if (trimmed.isEmpty()) {
            throw new InvalidInputException("name must not be blank");
        }
        if (trimmed.length() > MAX_NAME_LENGTH) {
            throw new InvalidInputException("name must be at most " + MAX_NAME_LENGTH
                    + " UTF-16 code units (emoji and other characters outside the Basic Multilingual Plane count as"
                    + " two), was " + trimmed.length());
        }
        if (trimmed.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException("name must not contain control characters");
        }
        requireWellFormed("name", trimmed);
        return trimmed;
    }

    /**
     * The argument, which must be given: null is invalid input like any other, refused before a backend is asked,
     * rather than a NullPointerException from wherever it is first used.
     */
    static <T> T required(T value, String what) {
        return required(value, what, "");
    }

    /** The argument, which must be given; the message adds {@code hint}, what to pass for "none". */
    static <T> T required(T value, String what, String hint) {
        if (value == null) {
            throw new InvalidInputException(what + " is required" + (hint.isEmpty() ? "" : " (" + hint + ")"));
        }
        return value;
    }

    /** A key of an application create: long enough to be a secret (see the constant's reasons). */
    static IdempotencyKey applicationKey(IdempotencyKey key) {
        required(key, "key");
        if (key.value().length() < IdempotencyKey.MIN_APPLICATION_KEY_LENGTH) {
            throw new InvalidInputException("an Idempotency-Key of an application create must be at least "
                    + IdempotencyKey.MIN_APPLICATION_KEY_LENGTH + " characters, was "
                    + key.value().length()
                    + ": a retry returns the application's token, so the key must be as hard to guess (a random UUID)");
        }
        return key;
    }

    /** The body as given (not trimmed): not all {@linkplain #invisible invisible}, 1..65,535 bytes of UTF-8. */
    static String messageBody(String body) {
        if (body == null) {
            throw new InvalidInputException("body is required");
        }
        if (body.codePoints().allMatch(Validation::invisible)) {
            throw new InvalidInputException("body must not be blank");
        }
        int bytes = requireWellFormed("body", body);
        if (bytes > MAX_BODY_BYTES) {
            throw new InvalidInputException(
                    "body must be at most " + MAX_BODY_BYTES + " bytes of UTF-8, was " + bytes + " bytes");
        }
        return body;
    }

    /** The query as given: not all {@linkplain #invisible invisible} (as for a body), at most 1,000 characters. */
    static String searchQuery(String query) {
        if (query == null || query.codePoints().allMatch(Validation::invisible)) {
            throw new InvalidInputException("query is required and must not be blank");
        }
        if (query.length() > MAX_QUERY_LENGTH) {
            throw new InvalidInputException("query must be at most " + MAX_QUERY_LENGTH + " characters");
        }
        return query;
    }

    static int searchLimit(int limit) {
        if (limit < 1 || limit > MAX_SEARCH_LIMIT) {
            throw new InvalidInputException("limit must be between 1 and " + MAX_SEARCH_LIMIT + ", was " + limit);
        }
        return limit;
    }

    static long number(String what, long number) {
        if (number < 1) {
            throw new InvalidInputException(what + " must be 1 or more, was " + number);
        }
        return number;
    }

    /**
     * Unicode White_Space and format characters (Cf: U+200B, U+2060, U+FEFF, bidi marks …), which show nothing on
     * their own. {@link String#strip()} and {@link String#isBlank()} know only {@link Character#isWhitespace}, which
     * leaves out the no-break spaces U+00A0, U+2007 and U+202F, so a name (or a query) of one of them passed as not
     * blank.
     */
    private static boolean invisible(int codePoint) {
        return Character.isWhitespace(codePoint)
                || Character.isSpaceChar(codePoint) // Zs, Zl, Zp: the no-break spaces, U+3000 …
                || codePoint == 0x85 // NEL, the one White_Space character that is neither
                || Character.getType(codePoint) == Character.FORMAT;
    }

    private static String trimInvisible(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && invisible(text.codePointAt(start))) {
            start += Character.charCount(text.codePointAt(start));
        }
        while (end > start && invisible(text.codePointBefore(end))) {
            end -= Character.charCount(text.codePointBefore(end));
        }
        return text.substring(start, end);
    }

    /** Rejects unpaired surrogates, which UTF-8 cannot carry; returns the UTF-8 length. */
    private static int requireWellFormed(String what, String text) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            return encoded.remaining();
        } catch (CharacterCodingException e) {
            throw new InvalidInputException(what + " is not valid Unicode text (unpaired surrogate)");
        }
    }
}
