package dev.chatsystem.http;

import static dev.chatsystem.http.PrometheusText.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request bodies held at once stay within the server's budget for them; what waits too long gets a 503. */
class RequestBodyBudgetTest {
    private static final int BUDGET_KIB = 1_000;

    @Test
    void uploadsBeyondTheBudgetWaitThenGetA503AndTheRoomComesBackWhenTheyEnd(@TempDir Path dataDir) throws Exception {
        BodyBudget budget = new BodyBudget(BUDGET_KIB, Duration.ofMillis(300));
        try (TestServer http = TestServer.start(dataDir, budget)) {
            String token = http.newApplication("uploads");
            long chat = http.newChat(token);
            String path = "/api/v1/applications/" + token + "/chats/" + chat + "/messages";
            List<Socket> slowUploads = new ArrayList<>();
            try {
                // Each holds half the budget (its worst case is more; no request takes more than half): one body
                // declared at 1,000,000 bytes, one chunked, both sent in part and then left hanging.
                slowUploads.add(startUpload(http, path, "Content-Length: 1000000\r\n", "{\"body\":\"abc"));
                slowUploads.add(startUpload(http, path, "Transfer-Encoding: chunked\r\n", "4\r\n{\"bo\r\n"));
                awaitAvailable(budget, 0);

                HttpResponse<String> refused = http.post(path, "{\"body\":\"small\"}");

                assertThat(refused.statusCode()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(refused.body()).contains("busy receiving other large requests");
                HttpResponse<String> refusedPut = http.put("/api/v1/applications/" + token, "{\"name\":\"other\"}");
                assertThat(refusedPut.statusCode()).isEqualTo(503);
                assertThat(refusedPut.headers().firstValue("Content-Type")).hasValue(Problems.CONTENT_TYPE);
                assertThat(refusedPut.body()).contains("busy receiving other large requests");
                String metrics = http.get("/metrics").body();
                assertThat(value(metrics, "chat_http_budget_refusals_total{budget=\"request_bodies\"}"))
                        .isEqualTo(2);
                assertThat(value(metrics, "chat_http_budget_available_kibibytes{budget=\"request_bodies\"}"))
                        .isZero();
                // Refused before Javalin: the server's request log times them (once their exchange completed),
                // under the template their path fits, as 413 and 415 refused before routing are.
                for (List<String> refusal :
                        List.of(List.of("POST", Paths.MESSAGES), List.of("PUT", Paths.APPLICATION))) {
                    String refusals = "http_server_requests_seconds_count{method=\"" + refusal.get(0) + "\",route=\""
                            + refusal.get(1) + "\",status=\"503\"}";
                    Await.until(() -> value(http.get("/metrics").body(), refusals) >= 1, Duration.ofSeconds(10));
                    assertThat(value(http.get("/metrics").body(), refusals)).isEqualTo(1);
                }
            } finally {
                for (Socket upload : slowUploads) {
                    upload.close();
                }
            }
            // The abandoned uploads end in a client error the server gives up on; their room comes back.
            awaitAvailable(budget, BUDGET_KIB);
            assertThat(http.post(path, "{\"body\":\"small\"}").statusCode()).isEqualTo(201);
            awaitAvailable(budget, BUDGET_KIB);
        }
    }

    @Test
    void requestsWithoutABodyOrWithOneRefusedUnreadPassAFullBudget(@TempDir Path dataDir) throws Exception {
        BodyBudget budget = new BodyBudget(BUDGET_KIB, Duration.ofMillis(300));
        try (TestServer http = TestServer.start(dataDir, budget)) {
            String path = newChatMessages(http, "nothing held");
            try (Socket first = startUpload(http, path, "Content-Length: 1000000\r\n", "{");
                    Socket second = startUpload(http, path, "Content-Length: 1000000\r\n", "{")) {
                awaitAvailable(budget, 0);

                assertThat(http.get(path).statusCode()).isEqualTo(200);
                HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(http.uri(path))
                        .header("Content-Type", "application/json")
                        .expectContinue(true) // else the 413 and the close can race the upload (a reset)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) ChatServer.MAX_REQUEST_SIZE + 1])));
                assertThat(tooLarge.statusCode()).isEqualTo(413);
            }
            awaitAvailable(budget, BUDGET_KIB);
        }
    }

    @Test
    void aBodyTrickledInSlowerThanTheMinimumRateFailsAndGivesItsRoomBack(@TempDir Path dataDir) throws Exception {
        BodyBudget budget = new BodyBudget(BUDGET_KIB, Duration.ofSeconds(1));
        try (TestServer http = TestServer.start(dataDir, budget)) {
            String path = newChatMessages(http, "trickle");
            try (Socket trickle = startUpload(http, path, "Content-Length: 100000\r\n", "{")) {
                awaitAvailable(budget, BUDGET_KIB - 293);
                Thread.sleep(RequestBodyBudget.GRACE.toMillis() + 1_000); // then far below 4 KiB/s
                trickle.getOutputStream().write('"');
                trickle.getOutputStream().flush();
                trickle.setSoTimeout(5_000);
                String answer = new String(trickle.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

                assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
            }
            awaitAvailable(budget, BUDGET_KIB);
        }
    }

    @Test
    void silentUploadsLoseTheirRoomOnceTheGracePeriodHasPassed(@TempDir Path dataDir) throws Exception {
        // Three chunked bodies hold 3,073 KiB each (1 MiB, and the text decoded from it), one declared at 342,100
        // bytes the 1,003 KiB left: the review's mixture, for a smaller heap. None sends a byte of its body.
        int budgetKib = 3 * 3_073 + 1_003;
        BodyBudget budget = new BodyBudget(budgetKib, Duration.ofSeconds(5));
        try (TestServer http = TestServer.start(dataDir, budget)) {
            String path = newChatMessages(http, "silent");
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    silent.add(startUpload(http, path, "Transfer-Encoding: chunked\r\n", ""));
                }
                silent.add(startUpload(http, path, "Content-Length: 342100\r\n", ""));
                awaitAvailable(budget, 0);
                Thread.sleep(RequestBodyBudget.GRACE.toMillis() + 1_000);

                // Before, they held the budget until the idle timeout (30 s): this waited 5 s, then got a 503.
                assertThat(http.post(path, "{\"body\":\"small\"}").statusCode()).isEqualTo(201);
                for (Socket upload : silent) {
                    upload.setSoTimeout(5_000);
                    String answer = new String(upload.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("connection: close");
                }
            } finally {
                for (Socket upload : silent) {
                    upload.close();
                }
            }
            awaitAvailable(budget, budgetKib);
        }
    }

    @Test
    void aBodyThatPausesWithinTheGracePeriodIsStillRead(@TempDir Path dataDir) throws Exception {
        try (TestServer http = TestServer.start(dataDir, new BodyBudget(BUDGET_KIB, Duration.ofSeconds(1)))) {
            String path = newChatMessages(http, "pause");
            String body = "{\"body\":\"" + "x".repeat(3_000) + "\"}";
            try (Socket paused =
                    startUpload(http, path, "Content-Length: " + body.length() + "\r\n", body.substring(0, 1_400))) {
                Thread.sleep(1_500); // a retransmission's delay: far below 4 KiB/s for these 1,400 bytes
                paused.getOutputStream().write(body.substring(1_400).getBytes(StandardCharsets.ISO_8859_1));
                paused.getOutputStream().flush();
                paused.setSoTimeout(5_000);
                String answer = new String(paused.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);

                assertThat(answer).isEqualTo("HTTP/1.1 201");
            }
        }
    }

    /** The messages path of a new chat in a new application. */
    private static String newChatMessages(TestServer http, String name) {
        String token = http.newApplication(name);
        return "/api/v1/applications/" + token + "/chats/" + http.newChat(token) + "/messages";
    }

    private static Socket startUpload(TestServer http, String path, String lengthHeader, String part)
            throws IOException {
        Socket socket = new Socket("127.0.0.1", http.uri("/").getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + lengthHeader + "\r\n"
                        + part)
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return socket;
    }

    private static void awaitAvailable(BodyBudget budget, int kib) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (budget.availableKib() != kib && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(budget.availableKib()).isEqualTo(kib);
    }
}
