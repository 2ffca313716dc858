package dev.chatsystem.core;

/**
 * A client-chosen key that makes a create safe to retry: the same key with the same request, within the retention
 * window, returns the original result instead of creating again. 1..255 printable ASCII characters, with no space at
 * either end: MySQL compares keys ignoring trailing spaces (a PAD SPACE collation) and H2 does not, and an HTTP
 * header's value never has them anyway. Any other value, null included, is an {@link InvalidInputException}.
 */
public record IdempotencyKey(String value) {
    public static final int MAX_LENGTH = 255;

    /**
     * The shortest key of an application create. Such keys are not scoped to a tenant (there is none yet) and a replay
     * answers with the application's token: a short key ({@code 1}, {@code signup-42}) reused by anyone with the same name would
     * hand them another client's token. 32 characters hold a random UUID (36) but not the usual guessable keys.
     */
    public static final int MIN_APPLICATION_KEY_LENGTH = 32;

    public IdempotencyKey {
        if (value == null) {
            throw new InvalidInputException("Idempotency-Key is required (its value was null)");
        }
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new InvalidInputException(
                    "Idempotency-Key must be 1.." + MAX_LENGTH + " characters, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new InvalidInputException("Idempotency-Key must be printable ASCII");
            }
        }
        if (value.isBlank()) {
            throw new InvalidInputException("Idempotency-Key must not be blank");
        }
        if (value.charAt(0) == ' ' || value.charAt(value.length() - 1) == ' ') {
            throw new InvalidInputException("Idempotency-Key must not start or end with a space");
        }
    }
}
