package dev.chatsystem.core.internal;

import java.security.SecureRandom;
import java.util.Base64;

/** Issues application tokens: 192 random bits from {@link SecureRandom}, base64url without padding (32 chars). */
final class Tokens {
    private static final int RANDOM_BYTES = 24;
    private final SecureRandom random = new SecureRandom();
    private final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

    /**
     * A new token. It never starts with {@code -} or {@code _}, so that command-line tools (ours included) never
     * mistake it for an option; redrawing those 1 in 32 cases costs well under one bit of the 192.
     */
    String next() {
        byte[] bytes = new byte[RANDOM_BYTES];
        String token;
        do {
            random.nextBytes(bytes);
            token = encoder.encodeToString(bytes);
        } while (token.charAt(0) == '-' || token.charAt(0) == '_');
        return token;
    }

    /**
     * Whether {@code token} could be a token at all. Lookups of anything else are answered "not found" without
     * touching a backend.
     */
    static boolean plausible(String token) {
        if (token == null || token.isEmpty() || token.length() > 64) {
            return false;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean urlSafe =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!urlSafe) {
                return false;
            }
        }
        return true;
    }
}
