package dev.chatsystem.http;

import static dev.chatsystem.http.PrometheusText.value;
import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.ReconcileReport.Correction;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The core's worker listener as Micrometer meters, and how Prometheus names them. */
class WorkerMetersTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final WorkerMeters meters = new WorkerMeters(registry);

    @Test
    void recordsBatchSizesAndEachEntrysLagByStage() {
        meters.batchHandled("persist", 3, new long[] {5, 20, 2_000});
        meters.batchHandled("persist", 1, new long[] {7});
        meters.batchHandled("index", 3, new long[] {40, 60});

        var persisted =
                registry.get(WorkerMeters.BATCH_ENTRIES).tag("stage", "persist").summary();
        assertThat(persisted.count()).isEqualTo(2);
        assertThat(persisted.totalAmount()).isEqualTo(4);
        assertThat(persisted.max()).isEqualTo(3);
        var lag = registry.get(WorkerMeters.LAG).tag("stage", "persist").timer();
        assertThat(lag.count()).isEqualTo(4);
        assertThat(lag.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2_032);
        assertThat(lag.max(TimeUnit.MILLISECONDS)).isEqualTo(2_000);
        assertThat(registry.get(WorkerMeters.LAG).tag("stage", "index").timer().count())
                .isEqualTo(2);

        String scraped = registry.scrape();
        assertThat(value(scraped, "chat_worker_batch_entries_count{stage=\"persist\"}"))
                .isEqualTo(2);
        assertThat(value(scraped, "chat_worker_batch_entries_sum{stage=\"persist\"}"))
                .isEqualTo(4);
        assertThat(value(scraped, "chat_worker_lag_seconds_count{stage=\"index\"}"))
                .isEqualTo(2);
        assertThat(value(scraped, "chat_worker_lag_seconds_bucket{stage=\"persist\",le=\"0.001\"}"))
                .isZero();
        assertThat(value(scraped, "chat_worker_lag_seconds_bucket{stage=\"persist\",le=\"+Inf\"}"))
                .isEqualTo(4);
        assertThat(scraped).doesNotContain("shard="); // the shard stays out of the series: cardinality, not insight
    }

    @Test
    void countsReconcileRunsByOutcomeTheirCorrectionsAndDuration() {
        String before = registry.scrape(); // both outcomes exist at zero before the first run
        assertThat(value(before, "chat_reconcile_runs_total{outcome=\"ok\"}")).isZero();
        assertThat(value(before, "chat_reconcile_runs_total{outcome=\"failed\"}"))
                .isZero();

        meters.reconciled(
                new ReconcileReport(List.of(new Correction("a", 0, 3, 2), new Correction("a", 1, 9, 8))),
                Duration.ofMillis(40));
        meters.reconciled(new ReconcileReport(List.of()), Duration.ofMillis(10));
        meters.reconcileFailed(new BackendUnavailableException("down"), Duration.ofMillis(5));
        meters.reconcileFailed( // failed part way: what it corrected before is committed, so it is counted
                new ReconcileFailedException(
                        new ReconcileReport(List.of(new Correction("b", 2, 1, 0)), 5_000), // the rest unlisted
                        new BackendUnavailableException("down")),
                Duration.ofMillis(7));

        assertThat(registry.get(WorkerMeters.RECONCILE_RUNS)
                        .tag("outcome", "ok")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(WorkerMeters.RECONCILE_RUNS)
                        .tag("outcome", "failed")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get(WorkerMeters.RECONCILE_CORRECTIONS).counter().count())
                .isEqualTo(5_002);
        var duration = registry.get(WorkerMeters.RECONCILE_DURATION).timer();
        assertThat(duration.count()).isEqualTo(4);
        assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(62);
        String after = registry.scrape();
        assertThat(value(after, "chat_reconcile_corrections_total")).isEqualTo(5_002);
        assertThat(value(after, "chat_reconcile_duration_seconds_count")).isEqualTo(4);
    }
}
