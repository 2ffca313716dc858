package dev.chatsystem.core;

import java.net.URI;
import java.util.Set;

/** The checks {@link ChatConfig} makes on the Redis and Elasticsearch URLs, with messages that name the key. */
final class ServerUrls {
    private ServerUrls() {}

    static void requireRedis(URI url) {
        requireServer("CHAT_REDIS_URL", url, "redis", "rediss");
    }

    static void requireElasticsearch(URI url) {
        requireServer("CHAT_ELASTICSEARCH_URL", url, "http", "https");
        if (url.getHost() == null) {
            // The Elasticsearch client takes its host from URI.getHost(), which has none for such a name.
            throw new ConfigurationException(
                    "CHAT_ELASTICSEARCH_URL host " + Urls.host(url).orElseThrow()
                            + " is not a name the Elasticsearch client accepts (it has an '_'); use a host name without"
                            + " underscores, such as a network alias, or its address, was " + Urls.redact(url));
        }
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
