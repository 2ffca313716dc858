package dev.chatsystem.http;

import dev.chatsystem.core.ReconcileFailedException;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.WorkerListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The core's {@link WorkerListener} as Micrometer meters, so no Micrometer type enters the core: batch sizes and
 * per-write lag by stage, and count reconciliations. The lag timer publishes a histogram, so Prometheus can compute
 * its percentiles across instances.
 */
final class WorkerMeters implements WorkerListener {
    static final String BATCH_ENTRIES = "chat.worker.batch.entries";
    static final String LAG = "chat.worker.lag";
    static final String RECONCILE_RUNS = "chat.reconcile.runs";
    static final String RECONCILE_CORRECTIONS = "chat.reconcile.corrections";
    static final String RECONCILE_DURATION = "chat.reconcile.duration";

    /** Beyond this the lag lands in the last bucket; {@code _max} still shows it. */
    private static final Duration LAG_HISTOGRAM_MAX = Duration.ofMinutes(10);

    private record Stage(DistributionSummary entries, Timer lag) {}

    private final MeterRegistry registry;
    private final Map<String, Stage> stages = new ConcurrentHashMap<>();
    private final Counter reconcilesOk;
    private final Counter reconcilesFailed;
    private final Counter corrections;
    private final Timer reconcileDuration;

    WorkerMeters(MeterRegistry registry) {
        this.registry = registry;
        // Registered up front, so the series exist (at zero) before the first run: rate() needs a starting point.
        this.reconcilesOk = runs("ok");
        this.reconcilesFailed = runs("failed");
        this.corrections = Counter.builder(RECONCILE_CORRECTIONS)
                .description("stored counts the reconciler found wrong and corrected")
                .register(registry);
        this.reconcileDuration = Timer.builder(RECONCILE_DURATION)
                .description("how long count reconciliations took, failed ones included")
                .register(registry);
    }

    @Override
    public void batchHandled(String stage, int shard, long[] lagMillis) {
        Stage meters = stages.computeIfAbsent(stage, this::stage);
        meters.entries().record(lagMillis.length);
        for (long lag : lagMillis) {
            meters.lag().record(lag, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void reconciled(ReconcileReport report, Duration took) {
        reconcilesOk.increment();
        corrections.increment(report.corrected());
        reconcileDuration.record(took);
    }

    @Override
    public void reconcileFailed(RuntimeException failure, Duration took) {
        reconcilesFailed.increment();
        if (failure instanceof ReconcileFailedException partly) { // what it corrected before failing is committed
            corrections.increment(partly.committed().corrected());
        }
        reconcileDuration.record(took);
    }

    private Counter runs(String outcome) {
        return Counter.builder(RECONCILE_RUNS)
                .description("count reconciliations, periodic and asked for")
                .tag("outcome", outcome)
                .register(registry);
    }

    private Stage stage(String stage) {
        DistributionSummary entries = DistributionSummary.builder(BATCH_ENTRIES)
                .description("writes per batch a worker stage handled")
                .tag("stage", stage)
                .register(registry);
        Timer lag = Timer.builder(LAG)
                .description("per write: from accepted to its batch handled by the stage (index, distributed form:"
                        + " Elasticsearch accepted the bulk; searchable at the index's next refresh)")
                .tag("stage", stage)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(LAG_HISTOGRAM_MAX)
                .register(registry);
        return new Stage(entries, lag);
    }
}
