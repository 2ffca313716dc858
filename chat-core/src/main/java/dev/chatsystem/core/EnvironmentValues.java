package dev.chatsystem.core;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/** Reads {@code CHAT_*} environment values for {@link ChatConfig.Builder#environment}; errors name the variable. */
final class EnvironmentValues {
    private EnvironmentValues() {}

    /** The variable's value, stripped; empty when unset or blank. */
    static Optional<String> value(Map<String, String> environment, String key) {
        return Optional.ofNullable(environment.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    /**
     * Refuses {@code dependents} set without {@code key}: they apply only with it, and were ignored without it, so
     * that a deployment that lost its {@code CHAT_DB_URL} but kept its user started on the embedded backends.
     */
    static void requireWith(Map<String, String> environment, String key, String... dependents) {
        if (value(environment, key).isPresent()) {
            return;
        }
        for (String dependent : dependents) {
            if (value(environment, dependent).isPresent()) {
                throw new ConfigurationException(dependent + " applies only with " + key + ", which is not set: set "
                        + key + " or unset " + String.join(" and ", dependents));
            }
        }
    }

    static URI uri(String key, String text) {
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(key + " is not a valid URL: " + Urls.redact(text));
        }
    }

    static java.time.Duration duration(String key, String text) {
        try {
            return java.time.Duration.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            throw new ConfigurationException(key + " must be an ISO-8601 duration such as PT24H, was '" + text + "'");
        }
    }

    static int integer(String key, String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(key + " must be a whole number, was '" + text + "'");
        }
    }

    /** A whole number from 1 to {@code max}, checked here so that a unit multiplied in cannot overflow. */
    static long count(String key, String text, long max) {
        try {
            long value = Long.parseLong(text);
            if (value >= 1 && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ConfigurationException(key + " must be a whole number from 1 to " + max + ", was '" + text + "'");
    }
}
