package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Requests no well-behaved HTTP client would send, written byte by byte on a socket: never a 5xx. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RawRequestsTest {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    TestServer http;
    int port;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        http = TestServer.start(dataDir);
        port = http.uri("/").getPort();
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /health XYZ\r\nHost: x\r\n\r\n",
                "GET /api/v1 x/applications HTTP/1.1\r\nHost: x\r\n\r\n",
                "BREW /health HTTP/1.1\r\nHost: x\r\n\r\n",
            })
    void garbledRequestLinesAreClientErrors(String request) throws IOException {
        String response = exchange(request, false);
        assertThat(statusOf(response)).isBetween(400, 499);
    }

    /** Jetty's legacy URI rules let {@code %u} escapes through, which the router's decoding then failed on: a 500. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/v1/applications/%u0041",
                "/api/v1/applications/x/chats/%u0031",
                "/api/v1/applications/x/chats/1/messages/%u0031",
                "/api/v1/applications/%u0041/chats/1/messages/search"
            })
    void aPathWithAUtf16EscapeIsA400(String path) throws IOException {
        String response = exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", false);
        assertThat(statusOf(response)).isEqualTo(400);
    }

    /** A malformed escape or bytes that are not UTF-8 must not make a parameter vanish (limit=10% read as absent). */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "?limit=10%",
                "?limit=1%2",
                "?after=5%zz",
                "?query=100%",
                "?query=caf%E9",
                "?query=caf\u00e9",
                "?lim%it=5"
            })
    void aQueryStringThatIsNotPercentEncodedUtf8IsA400(String query) throws IOException {
        String token = http.newApplication("bad escapes");
        long chat = http.newChat(token);
        String path = "/api/v1/applications/" + token + "/chats/" + chat + "/messages"
                + (query.contains("query=") ? "/search" : "");
        String response = exchange("GET " + path + query + " HTTP/1.1\r\nHost: x\r\n\r\n", false);

        assertThat(statusOf(response)).isEqualTo(400);
        assertThat(response).contains("percent-encoded UTF-8");
    }

    /**
     * The rule holds on every API route, not only where a handler reads a parameter: a show answered 200 and a
     * create created under a query string that a list refused. Refused before the handler runs, a create creates
     * nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"?x=%ZZ", "?x=10%", "?%E9=1", "?a=1&b=caf%E9"})
    void aMalformedQueryStringIsA400OnEveryApiRoute(String query) throws IOException {
        String token = http.newApplication("bad escapes anywhere");
        String application = "/api/v1/applications/" + token;
        String json = "Content-Type: application/json\r\nContent-Length: 12\r\n\r\n{\"name\":\"x\"}";

        for (String request : new String[] {
            "GET " + application + query + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "HEAD " + application + query + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", // the close ends it
            "GET " + application + "/chats/1" + query + " HTTP/1.1\r\nHost: x\r\n\r\n",
            "POST " + application + "/chats" + query + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
            "PUT " + application + query + " HTTP/1.1\r\nHost: x\r\n" + json,
            "POST /api/v1/applications" + query + " HTTP/1.1\r\nHost: x\r\n" + json
        }) {
            String response = exchange(request, false);
            assertThat(statusOf(response)).as(request).isEqualTo(400);
            if (!request.startsWith("HEAD")) {
                assertThat(response).contains("application/problem+json", "percent-encoded UTF-8");
            }
        }
        JsonNode shown = TestServer.json(http.get(application + "?x=%41"));
        assertThat(shown.path("chats_count").asLong()).isZero();
        assertThat(shown.path("name").asText()).isEqualTo("bad escapes anywhere");
    }

    /** Raw UTF-8 in the query string (as curl sends what it is given) is not percent-encoded, but unambiguous. */
    @Test
    void aQueryOfRawUtf8IsSearched() throws IOException {
        String token = http.newApplication("raw utf-8");
        long chat = http.newChat(token);
        String path = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
        String utf8 = new String("café".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        String response = exchange("GET " + path + "/search?query=" + utf8 + " HTTP/1.1\r\nHost: x\r\n\r\n", false);

        assertThat(statusOf(response)).isEqualTo(200);
    }

    /** The 400 says what was wrong without repeating kilobytes of the request back. */
    @ParameterizedTest
    @ValueSource(strings = {"/messages?limit=", "/messages/"})
    void aLongBadNumberIsCutInTheAnswer(String where) throws IOException {
        String token = http.newApplication("long numbers");
        long chat = http.newChat(token);
        String number = where.endsWith("=") ? "0".repeat(4_000) + "1001" : "0".repeat(4_000);
        String path = "/api/v1/applications/" + token + "/chats/" + chat + where + number;

        String response = exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", false);

        assertThat(statusOf(response)).isEqualTo(400);
        assertThat(response).hasSizeLessThan(1_000).doesNotContain("0".repeat(41));
    }

    @Test
    void anIdempotencyKeySentTwiceIsA400() throws IOException {
        String token = http.newApplication("two keys");
        long chat = http.newChat(token);
        String body = "{\"body\":\"hello\"}";
        String request = "POST /api/v1/applications/" + token + "/chats/" + chat + "/messages HTTP/1.1\r\n"
                + "Host: x\r\nContent-Type: application/json\r\nIdempotency-Key: first\r\nIdempotency-Key: second\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body;

        String response = exchange(request, false);

        assertThat(statusOf(response)).isEqualTo(400);
        assertThat(response).contains("Idempotency-Key must be sent once");
    }

    @Test
    void aBodyCutShortIsA400NotA500() throws IOException {
        String token = http.newApplication("cut short");
        long chat = http.newChat(token);
        String request = "POST /api/v1/applications/" + token + "/chats/" + chat + "/messages HTTP/1.1\r\n"
                + "Host: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"body\":\"hel";
        String response = exchange(request, true);
        // The server may also just close the connection (exchange fails on a hang); it must never answer 5xx.
        if (!response.isEmpty()) {
            assertThat(statusOf(response)).isEqualTo(400);
        }
    }

    /** Past 2^31 - 1, the servlet API's int content length reads -1: the check must use the declared long. */
    @ParameterizedTest
    @ValueSource(strings = {"1048577", "2147483648", "4294967296", "9223372036854775807"})
    void aBodyDeclaredTooLargeIsRefusedBeforeItIsRead(String length) throws IOException {
        String token = http.newApplication("declared too large");
        long chat = http.newChat(token);
        String request = "POST /api/v1/applications/" + token + "/chats/" + chat + "/messages HTTP/1.1\r\n"
                + "Host: x\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n{\"body\":\"a";

        assertThat(statusOf(exchange(request, false))).isEqualTo(413);
    }

    @Test
    void aBodyOfUndeclaredLengthIsReadToItsEnd() throws IOException {
        String token = http.newApplication("chunked");
        long chat = http.newChat(token);
        String path = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
        String request = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n"
                + "9\r\n{\"body\":\"\r\n" + "c\r\nhello chunks\r\n" + "2\r\n\"}\r\n" + "0\r\n\r\n";

        assertThat(statusOf(exchange(request, false))).isEqualTo(201);
        assertThat(TestServer.json(http.get(path + "/1")).path("body").asText()).isEqualTo("hello chunks");
    }

    /**
     * A chat's create takes no body and never read one: a chunked body of any size was let through, and the chat
     * created (201), while the same body with its length declared was a 413. Past the maximum it is a 413 now, before
     * anything happened; a body within it is still ignored.
     */
    @Test
    void aChunkedBodyOverTheMaximumIsA413OnARouteThatTakesNone() throws IOException {
        String token = http.newApplication("chunked, no body");
        String application = "/api/v1/applications/" + token;
        String chats = application + "/chats";
        String head = " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        String over = chunked((int) ChatServer.MAX_REQUEST_SIZE + 1);

        String refused = exchange("POST " + chats + head + over, false);

        assertThat(statusOf(refused)).isEqualTo(413);
        assertThat(refused).contains("application/problem+json").containsIgnoringCase("connection: close");
        assertThat(TestServer.json(http.get(application)).path("chats_count").asLong())
                .isZero();
        assertThat(TestServer.json(http.get(chats)).size()).isZero();
        assertThat(statusOf(exchange("GET " + chats + head + over, false))).isEqualTo(413);
        assertThat(statusOf(exchange("GET /health/live" + head + over, false))).isEqualTo(413);

        String within = chunked((int) ChatServer.MAX_REQUEST_SIZE);
        assertThat(statusOf(exchange("POST " + chats + head + within, false))).isEqualTo(201);
        assertThat(statusOf(exchange("GET " + chats + head + chunked(10), false)))
                .isEqualTo(200);
        assertThat(TestServer.json(http.get(application)).path("chats_count").asLong())
                .isEqualTo(1);
    }

    /** A chunked body of {@code bytes} spaces, in chunks of up to 64 KiB, and its last chunk. */
    private static String chunked(int bytes) {
        StringBuilder body = new StringBuilder(bytes + bytes / 8);
        for (int left = bytes; left > 0; ) {
            int size = Math.min(left, 65_536);
            body.append(Integer.toHexString(size))
                    .append("\r\n")
                    .append(" ".repeat(size))
                    .append("\r\n");
            left -= size;
        }
        return body.append("0\r\n\r\n").toString();
    }

    /**
     * Sends the bytes, optionally half-closes, and reads the answer: its head and the body its Content-Length declares
     * or, half-closed or without a length, everything until the server closes. Fails when 3 s pass first: a hang is
     * no answer. Empty only when the server closed without sending a byte.
     */
    private String exchange(String request, boolean halfClose) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(3_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (halfClose) {
                socket.shutdownOutput();
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                while (halfClose || !whole(received)) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break; // closed: what arrived is the answer
                    }
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(
                        "no whole answer within 3 s; received: " + received.toString(StandardCharsets.ISO_8859_1), e);
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** Whether {@code received} is a head and the body it declares; without a Content-Length, only the close ends it. */
    private static boolean whole(ByteArrayOutputStream received) {
        String text = received.toString(StandardCharsets.ISO_8859_1);
        int head = text.indexOf("\r\n\r\n");
        if (head < 0) {
            return false;
        }
        Matcher length = CONTENT_LENGTH.matcher(text.substring(0, head));
        return length.find() && text.length() - (head + 4) >= Long.parseLong(length.group(1));
    }

    private static int statusOf(String response) {
        assertThat(response).startsWith("HTTP/1.1 ");
        return Integer.parseInt(response.substring(9, 12));
    }
}
