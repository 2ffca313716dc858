package dev.chatsystem.http;

import io.javalin.http.Context;
import io.javalin.http.Header;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * Who may read {@code /metrics}: anyone, or, with {@code CHAT_METRICS_TOKEN} set, only requests that carry it as a
 * bearer token (RFC 6750), as Prometheus sends it with {@code authorization: {credentials: …}} in a scrape config. The
 * meters name no client data, but they show the traffic, the backlog and the pools to whoever asks.
 */
final class MetricsAccess {
    private static final String SCHEME = "bearer";
    private static final String CHALLENGE = "Bearer realm=\"metrics\"";

    /** The token's SHA-256, compared with the presented one's: equal lengths, so the comparison leaks no length. */
    private final Optional<byte[]> expected;

    private MetricsAccess(Optional<byte[]> expected) {
        this.expected = expected;
    }

    /** Open to anyone when {@code token} is empty, else to its bearers only. */
    static MetricsAccess of(Optional<String> token) {
        return new MetricsAccess(token.map(MetricsAccess::sha256));
    }

    static MetricsAccess open() {
        return of(Optional.empty());
    }

    /** Returns when the request may read the metrics, else throws the 401 (with its challenge) that answers it. */
    void require(Context ctx) {
        if (expected.isEmpty() || presents(ctx.header(Header.AUTHORIZATION))) {
            return;
        }
        ctx.header(Header.WWW_AUTHENTICATE, CHALLENGE);
        throw new UnauthorizedResponse("The metrics need the bearer token the server was started with");
    }

    private boolean presents(String authorization) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        // The scheme is case-insensitive (RFC 9110 §11.1); the credentials follow one or more spaces.
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        return MessageDigest.isEqual(
                expected.orElseThrow(), sha256(value.substring(space + 1).strip()));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
