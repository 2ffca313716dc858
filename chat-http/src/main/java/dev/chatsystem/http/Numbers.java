package dev.chatsystem.http;

import dev.chatsystem.core.InvalidInputException;

/** Strict parsing of decimal numbers from the URL: ASCII digits only, no sign, no whitespace, no overflow. */
final class Numbers {
    private static final int MAX_SHOWN = 40;

    private Numbers() {}

    static long parseNonNegative(String name, String raw) {
        if (raw == null || raw.isEmpty() || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidInputException(name + " must be a non-negative whole number, was '" + shown(raw) + "'");
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name + " is too large, was '" + shown(raw) + "'");
        }
    }

    /** {@code raw} as an error message may repeat it: cut at a length a reader can take in. */
    static String shown(String raw) {
        if (raw == null) {
            return "";
        }
        return raw.length() <= MAX_SHOWN ? raw : raw.substring(0, MAX_SHOWN) + "…";
    }
}
