package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.elasticsearch.ElasticsearchSearchIndex;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Passwords never reach a message, a log line or the admin tool's output. */
class UrlsTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "redis://:s3cret@host:6379/2               | redis://:***@host:6379/2",
                "rediss://admin:s3cret@host                | rediss://admin:***@host",
                "redis://s3cret@host:6379                  | redis://***@host:6379",
                "http://elastic:s3cret@es:9200/            | http://elastic:***@es:9200/",
                "jdbc:mysql://user:s3cret@db:3306/chat     | jdbc:mysql://user:***@db:3306/chat",
                "jdbc:mysql://user:s3@cret@db/chat?a=b     | jdbc:mysql://user:***@db/chat?a=b",
                "jdbc:mysql://db/chat?user=u&password=s3cret&socketTimeout=1 | "
                        + "jdbc:mysql://db/chat?user=u&password=***&socketTimeout=1",
                "jdbc:mysql://db/chat?PASSWORD1=s3cret&trustCertificateKeyStorePassword=s3cret | "
                        + "jdbc:mysql://db/chat?PASSWORD1=***&trustCertificateKeyStorePassword=***",
                "jdbc:mysql://(host=db,user=u,password=s3cret)/chat | jdbc:mysql://(host=db,user=u,password=***)/chat",
                "redis://:p%zz@h                           | redis://:***@h",
                "redis://:s3cr/et@redis:6379               | redis://:***@redis:6379",
                "jdbc:mysql://u:s3/cret@db/chat            | jdbc:mysql://u:***@db/chat",
                "http://u:s3c?ret@es:9200                  | http://u:***@es:9200",
                "http://u:s3c#ret@es:9200/x                | http://u:***@es:9200/x",
                "redis://u:s3cret/5@h?x=1                  | redis://u:***@h?x=1",
                "redis://host:6379/0?note=a@b              | redis://host:6379/0?note=a@b",
                "redis://chat:12345?s3cret@redis:6379      | redis://chat:***@redis:6379",
                "http://u:9200#s3cret@es:9200/x            | http://u:***@es:9200/x",
                "redis://chat:12345?s3/cret@redis:6379     | redis://chat:***@redis:6379",
                "redis://chat:12345?s3cret@[::1]:6379      | redis://chat:***@[::1]:6379",
                "redis://chat:1?s3cret@redis:6379/0?n=a@b&x=1 | redis://chat:***@redis:6379/0?n=a@b&x=1",
                "redis://chat:12345?s3cret@redis:6379 (refused) | redis://chat:***@redis:6379 (refused)",
                "redis://chat:12345?s3cret@redis:          | redis://chat:***@redis:",
                "redis://chat:12345?s3/cret+9==@redis:6379 | redis://chat:***@redis:6379",
                "redis://host:6379?note=a@b                | redis://host:6379?note=a@b",
                "jdbc:mysql://h:3306?useSSL=true&user=admin@server | jdbc:mysql://h:3306?useSSL=true&user=admin@server",
                "http://es:9200?pretty&x=a@b:c             | http://es:9200?pretty&x=a@b:c",
                "redis://host:6379/0                       | redis://host:6379/0",
                "http://es:9200                            | http://es:9200",
                "jdbc:mysql://db:3306/chat?useSSL=true     | jdbc:mysql://db:3306/chat?useSSL=true",
                "not a url                                 | not a url"
            })
    void hidesPasswordsAndKeepsTheRest(String url, String redacted) {
        assertThat(Urls.redact(url)).isEqualTo(redacted).doesNotContain("s3cret");
    }

    @ParameterizedTest
    @CsvSource({"redis://:s3cret@host:6379, redis://:***@host:6379", "http://u:s3cret@es:9200, http://u:***@es:9200"})
    void redactsAUri(String url, String redacted) {
        assertThat(Urls.redact(URI.create(url))).isEqualTo(redacted);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "redis://chat_redis:6379              | chat_redis | 6379 | ",
                "redis://:p%40ss+w@chat_redis:6380/2  | chat_redis | 6380 | :p@ss+w",
                "rediss://user:pw@redis_1.chat_net    | redis_1.chat_net | 1 | user:pw",
                "http://es_1:9201/                    | es_1       | 9201 | ",
                "redis://u:pw@127.0.0.1:6379          | 127.0.0.1  | 6379 | u:pw",
            })
    void readsHostPortAndUserInfoAlsoWhereUriFindsNoHost(String url, String host, int port, String userInfo) {
        URI uri = URI.create(url);

        assertThat(Urls.host(uri)).hasValue(host);
        assertThat(Urls.port(uri, 1)).isEqualTo(port);
        assertThat(Urls.userInfo(uri)).isEqualTo(java.util.Optional.ofNullable(userInfo));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://:6379", "redis://h:port", "redis://h:99999", "redis://h!:1", "redis:opaque"})
    void findsNoHostInAMalformedAuthority(String url) {
        assertThat(Urls.host(URI.create(url))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://chat_redis:6379", "rediss://:pw@chat_redis:6379/3", "redis://chat_redis"})
    void acceptsARedisHostWithAnUnderscore(String url) {
        ChatConfig config = ChatConfig.builder()
                .environment(Map.of(
                        "CHAT_DB_URL", "jdbc:mysql://db/chat",
                        "CHAT_REDIS_URL", url,
                        "CHAT_ELASTICSEARCH_URL", "http://es:9200"))
                .build();

        assertThat(config.redisUrl()).hasValue(URI.create(url));
    }

    @Test
    void acceptsAnElasticsearchHostWithAnUnderscore() {
        ChatConfig config = ChatConfig.builder()
                .environment(Map.of("CHAT_ELASTICSEARCH_URL", "http://chat_es:9200"))
                .build();

        assertThat(config.elasticsearchUrl()).hasValue(URI.create("http://chat_es:9200"));
    }

    /** The client reads its host from URI.getHost(), which has none for such a name: it must get it otherwise. */
    @Test
    void anElasticsearchHostWithAnUnderscoreReachesTheClient() {
        try (ElasticsearchSearchIndex index =
                ElasticsearchSearchIndex.open(URI.create("http://no_such_host.invalid:9200"), "chat-messages")) {
            assertThat(index.health().up()).isFalse();
            assertThat(index.health().detail()).contains("no_such_host.invalid");
        }
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "CHAT_REDIS_URL         | redis://:p%zz@h:6379",
                "CHAT_REDIS_URL         | redis//:pzz@h:6379",
                "CHAT_ELASTICSEARCH_URL | ftp://u:pzz@h:9200",
                "CHAT_DB_URL            | jdbc:postgresql://u:pzz@h/db?password=pzz"
            })
    void configurationErrorsQuoteTheUrlWithoutItsPassword(String key, String url) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                "CHAT_DB_URL", "jdbc:mysql://db/chat",
                "CHAT_REDIS_URL", "redis://redis:6379",
                "CHAT_ELASTICSEARCH_URL", "http://es:9200"));
        environment.put(key, url);

        assertThatThrownBy(() -> ChatConfig.builder().environment(environment).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("***")
                .hasMessageNotContaining("pzz");
    }

    @ParameterizedTest
    @CsvSource({"redis://:s3cret@redis:6379, http://u:s3cret@es:9200, jdbc:mysql://u:s3cret@db/chat?password=s3cret"})
    void aConfigPrintsNoPassword(String redis, String elasticsearch, String database) {
        ChatConfig config = ChatConfig.builder()
                .environment(Map.of(
                        "CHAT_DB_URL", database, "CHAT_REDIS_URL", redis, "CHAT_ELASTICSEARCH_URL", elasticsearch))
                .build();

        assertThat(config.toString())
                .doesNotContain("s3cret")
                .contains("redis://:***@redis:6379", "http://u:***@es:9200", "jdbc:mysql://u:***@db/chat?password=***");
    }
}
