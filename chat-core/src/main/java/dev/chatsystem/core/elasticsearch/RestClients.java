package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import co.elastic.clients.transport.rest5_client.low_level.Rest5ClientBuilder;
import dev.chatsystem.core.ConfigurationException;
import dev.chatsystem.core.Urls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHeaders;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.util.Timeout;

/** The low-level client the adapter talks to Elasticsearch through: where it connects, how, and as whom. */
final class RestClients {
    private static final Timeout CONNECT_TIMEOUT = Timeout.ofSeconds(2);
    private static final Timeout RESPONSE_TIMEOUT = Timeout.ofSeconds(30);
    /**
     * Connections to the cluster. The client's default of 10 let the queue workers' bulk requests (one in flight per
     * shard, each taking a while under load) hold most of them, so searches queued in the client behind indexing:
     * under a mixed load a search spent 5 ms in Elasticsearch and 100 ms in all. Elasticsearch queues what its
     * thread pools cannot take at once, searches apart from writes.
     */
    static final int CONNECTIONS = 64;

    /**
     * The client for {@code url}. A host name with an underscore (a Docker service name) is valid but not to {@link
     * URI#getHost}, from which the client's own URI reading takes it: such a host is read by {@link Urls}.
     */
    private static Rest5ClientBuilder clientBuilder(URI url) {
        Rest5ClientBuilder builder;
        if (url.getHost() != null) {
            builder = Rest5Client.builder(url);
        } else {
            String host = Urls.host(url)
                    .orElseThrow(
                            () -> new ConfigurationException("no host in the Elasticsearch URL " + Urls.redact(url)));
            builder = Rest5Client.builder(new HttpHost(url.getScheme(), host, Urls.port(url, 9200)));
            if (url.getPath() != null
                    && !url.getPath().isEmpty()
                    && !url.getPath().equals("/")) {
                builder.setPathPrefix(url.getPath());
            }
        }
        return withCredentials(builder, url);
    }

    /**
     * The URL's user info ({@code https://user:password@host:9200}, percent-encoded), sent as Basic authentication on
     * every request: the client itself ignores it, and a secured cluster would refuse every request.
     */
    private static Rest5ClientBuilder withCredentials(Rest5ClientBuilder builder, URI url) {
        Optional<String> userInfo = Urls.userInfo(url).filter(info -> !info.isEmpty());
        if (userInfo.isEmpty()) {
            return builder;
        }
        String credentials = userInfo.get().contains(":") ? userInfo.get() : userInfo.get() + ":";
        String basic = Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        return builder.setDefaultHeaders(new Header[] {new BasicHeader(HttpHeaders.AUTHORIZATION, "Basic " + basic)});
    }

    private RestClients() {}

    /** A client for {@code url}, with the adapter's timeouts and connections. */
    static Rest5Client forUrl(URI url) {
        return clientBuilder(url)
                .setConnectionConfigCallback(c -> c.setConnectTimeout(CONNECT_TIMEOUT))
                .setConnectionManagerCallback(
                        m -> m.setMaxConnPerRoute(CONNECTIONS).setMaxConnTotal(CONNECTIONS))
                .setRequestConfigCallback(r -> r.setResponseTimeout(RESPONSE_TIMEOUT))
                .build();
    }
}
