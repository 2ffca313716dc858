package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.NavigableMap;
import org.junit.jupiter.api.Test;

/** The request timers' histogram resolves the sub-millisecond latencies of {@code /health} and most reads. */
class RequestTimersTest {
    private static final String HEALTH = "method=\"GET\",route=\"" + Paths.HEALTH + "\",status=\"200\"";

    @Test
    void tellsRequestsOf200And800MicrosecondsApart() {
        try (ServerMetrics metrics = ServerMetrics.create()) {
            metrics.record("GET", Paths.HEALTH, 200, 200_000);
            metrics.record("GET", Paths.HEALTH, 200, 800_000);

            NavigableMap<Double, Double> buckets =
                    PrometheusText.buckets(metrics.scrape(), "http_server_requests_seconds", HEALTH);

            Map.Entry<Double, Double> below = buckets.lowerEntry(0.0005);
            assertThat(below).as("a bucket below 0.5 ms in %s", buckets).isNotNull();
            assertThat(below.getValue()).isEqualTo(1);
            assertThat(buckets.get(Double.POSITIVE_INFINITY)).isEqualTo(2);
        }
    }
}
