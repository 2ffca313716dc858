package dev.chatsystem.core;

import java.net.URI;
import java.util.Set;
import java.util.regex.Pattern;

/** The checks {@link ChatConfig} makes on the Redis and Elasticsearch URLs, with messages that name the key. */
final class ServerUrls {
    private ServerUrls() {}

    /** A Redis database number: what Redis itself accepts in SELECT (a small non-negative integer). */
    private static final Pattern DATABASE = Pattern.compile("/[0-9]{1,9}");

    static void requireRedis(URI url) {
        requireServer("CHAT_REDIS_URL", url, "redis", "rediss");
        // Checked here, at start-up, rather than when the Redis client is built: that happens after the database has
        // been opened and migrated, and a bad number there failed with a NumberFormatException.
        String path = url.getRawPath();
        if (path != null
                && !path.isEmpty()
                && !path.equals("/")
                && !DATABASE.matcher(path).matches()) {
            throw new ConfigurationException(
                    "CHAT_REDIS_URL may end with /N, a database number such as /0, was " + Urls.redact(url));
        }
    }

    static void requireElasticsearch(URI url) {
        requireServer("CHAT_ELASTICSEARCH_URL", url, "http", "https");
    }

    private static void requireServer(String key, URI url, String... schemes) {
        if (url.getScheme() == null
                || Urls.host(url).isEmpty()
                || !Set.of(schemes).contains(url.getScheme())) {
            throw new ConfigurationException(
                    key + " must look like " + schemes[0] + "://host:port, was " + Urls.redact(url));
        }
    }
}
