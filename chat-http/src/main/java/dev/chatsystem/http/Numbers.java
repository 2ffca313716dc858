package dev.chatsystem.http;

import dev.chatsystem.core.InvalidInputException;

/** Strict parsing of decimal numbers from the URL: ASCII digits only, no sign, no whitespace, no overflow. */
final class Numbers {
    private static final int MAX_SHOWN = 40;

    private Numbers() {}

    /** A number that may be 0, such as {@code after}. */
    static long parseNonNegative(String name, String raw) {
        return parse(name, raw, "a non-negative whole number");
    }

    /** A number that starts at 1 (chat and message numbers, {@code limit}): 0 is refused with the same sentence. */
    static long parsePositive(String name, String raw) {
        long value = parse(name, raw, "a positive whole number");
        if (value == 0) {
            throw refused(name, raw, "a positive whole number");
        }
        return value;
    }

    private static long parse(String name, String raw, String what) {
        if (raw == null || raw.isEmpty() || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw refused(name, raw, what);
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + " is too large, was '" + shown(raw) + "'");
        }
    }

    private static InvalidInputException refused(String name, String raw, String what) {
        return new InvalidInputException(name + " must be " + what + ", was '" + shown(raw) + "'");
    }

    /** {@code raw} as an error message may repeat it: cut at a length a reader can take in. */
    static String shown(String raw) {
        if (raw == null) {
            return "";
        }
        return raw.length() <= MAX_SHOWN ? raw : raw.substring(0, MAX_SHOWN) + "…";
    }
}
