package dev.chatsystem.core;

/**
 * What a process does in the production form: serve the API, drain the write queue, or both. The embedded default
 * always does both.
 */
public enum Role {
    /** Accepts requests and queues writes; runs no queue workers. */
    API,
    /**
     * Drains the write queue into the store and the search index. A worker's shell still answers requests (its
     * health and metrics are how it is monitored); client traffic belongs on {@link #API} or {@link #ALL} instances.
     */
    WORKER,
    /** Both. */
    ALL;

    public boolean runsWorkers() {
        return this != API;
    }

    /**
     * Parses {@code api}, {@code worker} or {@code all}, case-insensitively.
     *
     * @throws ConfigurationException for any other text, null included
     */
    public static Role parse(String text) {
        return parse("role", text);
    }

    /**
     * Parses {@code api}, {@code worker} or {@code all}, case-insensitively.
     *
     * @param key what to name in the error: the variable or the flag the value came from
     * @throws ConfigurationException naming {@code key}, for any other text, null included
     */
    public static Role parse(String key, String text) {
        if (text == null) {
            throw new ConfigurationException(key + " must be api, worker or all, was null");
        }
        for (Role role : values()) {
            if (role.name().equalsIgnoreCase(text.strip())) {
                return role;
            }
        }
        throw new ConfigurationException(key + " must be api, worker or all, was '" + text + "'");
    }
}
