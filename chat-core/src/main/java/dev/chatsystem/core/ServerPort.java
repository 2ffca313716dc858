package dev.chatsystem.core;

import java.util.Map;

/**
 * The HTTP server's port, {@code CHAT_PORT}: read by the server, but kept here beside {@link ChatConfig} so that the
 * admin tool, which shares the server's environment and must not depend on it, checks it by the same rules.
 */
public final class ServerPort {
    /** The environment variable, on top of {@link ChatConfig#ENVIRONMENT_KEYS}. */
    public static final String ENVIRONMENT_KEY = "CHAT_PORT";

    public static final int DEFAULT = 8080;

    private ServerPort() {}

    /**
     * The port {@code environment} gives, {@link #DEFAULT} when {@code CHAT_PORT} is unset or blank, or holds a
     * service link's address ({@link ServiceLinks}).
     *
     * @throws ConfigurationException naming {@code CHAT_PORT}, for a value that is not a port
     */
    public static int fromEnvironment(Map<String, String> environment) {
        String value = environment.get(ENVIRONMENT_KEY);
        return value == null || value.isBlank() || ServiceLinks.isServiceLink(ENVIRONMENT_KEY, value)
                ? DEFAULT
                : parse(ENVIRONMENT_KEY, value);
    }

    /**
     * {@code value} as a port, 0..65535 (0 picks a free one).
     *
     * @param key what to name in the error: the variable or the flag the value came from
     * @throws ConfigurationException naming {@code key}, for a value that is not a number in that range
     */
    public static int parse(String key, String value) {
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 0 || port > 65_535) {
                throw new ConfigurationException(key + " must be between 0 and 65535, was " + value);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be a number between 0 and 65535, was '" + value + "'");
        }
    }
}
