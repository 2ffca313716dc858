package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /metrics} of a server started with {@code CHAT_METRICS_TOKEN}: for bearers of the token only. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsAccessTest {
    private static final String TOKEN = "a-scrape-secret-0123";

    TestServer http;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        http = TestServer.withMetricsToken(dataDir, TOKEN);
    }

    @AfterAll
    void stop() {
        http.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer " + TOKEN, "bearer " + TOKEN, "BEARER   " + TOKEN + " "})
    void servesTheMetricsToBearersOfTheToken(String authorization) {
        HttpResponse<String> response = scrape(authorization);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("jvm_memory_used_bytes");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "Bearer",
                "Bearer ",
                "Bearer a-scrape-secret-012",
                "Bearer a-scrape-secret-01234",
                "Basic " + TOKEN,
                TOKEN,
                "Bearer" + TOKEN
            })
    void refusesEveryoneElseWithAChallengeAndNoMeters(String authorization) {
        HttpResponse<String> response = scrape(authorization);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"metrics\"");
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith(Problems.CONTENT_TYPE));
        assertThat(response.body()).contains("bearer token").doesNotContain("jvm_", TOKEN);
    }

    @Test
    void refusesAHeadWithoutTheTokenToo() {
        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(http.uri("/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(head.statusCode()).isEqualTo(401);
    }

    @Test
    void leavesTheApiAndHealthOpenAndTimesTheRefusals() {
        assertThat(http.get("/health").statusCode()).isEqualTo(200);
        assertThat(http.newApplication("open")).isNotBlank();
        assertThat(scrape("").statusCode()).isEqualTo(401);

        assertThat(scrape("Bearer " + TOKEN).body())
                .contains("route=\"/metrics\",status=\"401\"")
                .contains("route=\"/health\",status=\"200\"");
    }

    private HttpResponse<String> scrape(String authorization) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(http.uri("/metrics")).GET();
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        return http.send(request);
    }
}
