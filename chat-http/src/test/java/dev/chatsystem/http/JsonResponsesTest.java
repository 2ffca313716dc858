package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * How JSON bodies leave the server: small ones whole, with their length and never compressed; large ones gzipped for
 * clients that accept gzip; HEAD with the headers GET would send and no body.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    TestServer http;
    String messages;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        http = TestServer.start(dataDir);
        String token = http.newApplication("responses");
        long chat = http.newChat(token);
        for (int i = 1; i <= 100; i++) {
            http.chatSystem.createMessage(token, chat, "message number " + i + " of a list long enough to gzip");
        }
        messages = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @Test
    void smallBodiesAreSentWholeWithTheirLengthAndNeverCompressed() throws IOException {
        HttpResponse<byte[]> created = send(HttpRequest.newBuilder(http.uri(messages))
                .header("Accept-Encoding", "gzip")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"body\":\"small\"}")));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(created.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(created.headers().firstValue("Content-Length")).hasValue(String.valueOf(created.body().length));
        assertThat(created.headers().firstValue("Location")).hasValue(messages + "/101");
        assertThat(JSON.readTree(created.body()).get("body").asText()).isEqualTo("small");
    }

    @Test
    void largeBodiesAreGzippedForClientsThatAcceptGzip() throws IOException {
        HttpResponse<byte[]> gzipped =
                send(HttpRequest.newBuilder(http.uri(messages + "?limit=100")).header("Accept-Encoding", "gzip"));
        HttpResponse<byte[]> plain = send(HttpRequest.newBuilder(http.uri(messages + "?limit=100")));

        assertThat(gzipped.statusCode()).isEqualTo(200);
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gzipped.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(gzipped.headers().firstValue("Link")).isPresent();
        byte[] unzipped = new GZIPInputStream(new ByteArrayInputStream(gzipped.body())).readAllBytes();
        assertThat(unzipped).isEqualTo(plain.body());
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        JsonNode list = JSON.readTree(plain.body());
        assertThat(list).hasSize(100);
        assertThat(list.get(99).get("message_number").asLong()).isEqualTo(100);
    }

    /** Caches must not hand a gzipped body to a client that did not ask for one, nor the reverse. */
    @Test
    void everyBodyLargeEnoughToCompressVariesOnAcceptEncoding() {
        String token = http.newApplication("vary");
        for (int i = 0; i < 30; i++) {
            http.newChat(token);
        }
        String chats = "/api/v1/applications/" + token + "/chats?limit=30";
        for (String path : new String[] {chats, messages + "?limit=100"}) {
            HttpResponse<byte[]> gzipped =
                    send(HttpRequest.newBuilder(http.uri(path)).header("Accept-Encoding", "gzip"));
            HttpResponse<byte[]> plain = send(HttpRequest.newBuilder(http.uri(path)));

            assertThat(gzipped.headers().firstValue("Content-Encoding"))
                    .as(path)
                    .hasValue("gzip");
            assertThat(gzipped.headers().allValues("Vary")).as(path).containsExactly("Accept-Encoding");
            assertThat(plain.headers().allValues("Vary")).as(path).containsExactly("Accept-Encoding");
        }
    }

    @Test
    void headSendsTheHeadersOfGetWithoutTheBody() {
        for (String path : new String[] {messages + "/1", messages + "?limit=100"}) {
            HttpResponse<byte[]> get =
                    send(HttpRequest.newBuilder(http.uri(path)).header("Accept-Encoding", "gzip"));
            HttpResponse<byte[]> head = send(HttpRequest.newBuilder(http.uri(path))
                    .header("Accept-Encoding", "gzip")
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()));

            assertThat(head.statusCode()).as(path).isEqualTo(200);
            for (String header : new String[] {"Content-Type", "Content-Encoding", "Content-Length", "Link"}) {
                assertThat(head.headers().firstValue(header))
                        .as("%s %s", path, header)
                        .isEqualTo(get.headers().firstValue(header));
            }
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void largeSearchResultsAreStreamedGzippedAndSmallOnesSentWhole() throws IOException {
        HttpResponse<byte[]> many = send(HttpRequest.newBuilder(http.uri(messages + "/search?query=gzip&limit=100"))
                .header("Accept-Encoding", "gzip"));
        HttpResponse<byte[]> one = send(HttpRequest.newBuilder(http.uri(messages + "/search?query=small"))
                .header("Accept-Encoding", "gzip"));

        assertThat(many.statusCode()).isEqualTo(200);
        assertThat(many.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(JSON.readTree(new GZIPInputStream(new ByteArrayInputStream(many.body())).readAllBytes()))
                .hasSize(100);
        assertThat(one.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(one.headers().firstValue("Content-Length")).hasValue(String.valueOf(one.body().length));
    }

    @Test
    void gzipIsUsedOnlyWhenTheClientAcceptsIt() {
        assertThat(JsonResponses.acceptsGzip("gzip")).isTrue();
        assertThat(JsonResponses.acceptsGzip("deflate, GZIP;q=0.5")).isTrue();
        assertThat(JsonResponses.acceptsGzip("*")).isTrue();
        assertThat(JsonResponses.acceptsGzip("gzip;q=0")).isFalse();
        assertThat(JsonResponses.acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(JsonResponses.acceptsGzip("br, deflate")).isFalse();
        assertThat(JsonResponses.acceptsGzip("*, gzip;q=0")).isFalse();
        assertThat(JsonResponses.acceptsGzip("*;q=0, gzip")).isTrue();
        assertThat(JsonResponses.acceptsGzip("*;q=0")).isFalse();
        assertThat(JsonResponses.acceptsGzip(null)).isFalse();
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
