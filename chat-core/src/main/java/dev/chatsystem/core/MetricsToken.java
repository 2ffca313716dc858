package dev.chatsystem.core;

import java.util.Map;
import java.util.Optional;

/**
 * The bearer token that guards the HTTP server's {@code /metrics}, {@code CHAT_METRICS_TOKEN}: read by the server, but
 * kept here beside {@link ServerPort} so that the admin tool, which shares the servers' environment and must not
 * depend on the server, accepts it and checks it by the same rules.
 */
public final class MetricsToken {
    /** The environment variable, on top of {@link ChatConfig#ENVIRONMENT_KEYS}. */
    public static final String ENVIRONMENT_KEY = "CHAT_METRICS_TOKEN";

    /** Short enough to type, long enough that guessing it over HTTP is hopeless. */
    static final int MIN_LENGTH = 16;

    /** A request header carries it: far above any generated secret, far below Jetty's 8 KiB of headers. */
    static final int MAX_LENGTH = 1024;

    private MetricsToken() {}

    /**
     * The token {@code environment} gives; empty when {@code CHAT_METRICS_TOKEN} is unset or empty (an unset
     * variable in a compose file), and {@code /metrics} is then public.
     *
     * @throws ConfigurationException naming {@code CHAT_METRICS_TOKEN}, for a value a client could not send as a
     *     bearer token or that is too short to be a secret; the message never holds the value
     */
    public static Optional<String> fromEnvironment(Map<String, String> environment) {
        String value = environment.get(ENVIRONMENT_KEY);
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() < MIN_LENGTH || value.length() > MAX_LENGTH) {
            throw new ConfigurationException(ENVIRONMENT_KEY + " must be " + MIN_LENGTH + " to " + MAX_LENGTH
                    + " characters long, was " + value.length());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '!' || c > '~') {
                throw new ConfigurationException(ENVIRONMENT_KEY + " may hold visible ASCII characters only (no"
                        + " spaces): clients send it in an Authorization header; character " + (i + 1) + " is not");
            }
        }
        return Optional.of(value);
    }
}
