package dev.chatsystem.core.testing;

import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.WorkerListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps everything a chat system reports, for assertions; thread-safe as workers report concurrently. */
public final class RecordingWorkerListener implements WorkerListener {
    /** One reported batch. */
    public record Batch(String stage, int shard, long[] lagMillis) {
        public int entries() {
            return lagMillis.length;
        }
    }

    public final List<Batch> batches = new CopyOnWriteArrayList<>();
    public final List<ReconcileReport> reconciled = new CopyOnWriteArrayList<>();
    public final List<RuntimeException> failed = new CopyOnWriteArrayList<>();

    @Override
    public void batchHandled(String stage, int shard, long[] lagMillis) {
        batches.add(new Batch(stage, shard, lagMillis));
    }

    @Override
    public void reconciled(ReconcileReport report, Duration took) {
        reconciled.add(report);
    }

    @Override
    public void reconcileFailed(RuntimeException failure, Duration took) {
        failed.add(failure);
    }

    /** The sizes of the batches of {@code stage}, in the order they were reported. */
    public List<Integer> entries(String stage) {
        return batches.stream()
                .filter(b -> b.stage().equals(stage))
                .map(Batch::entries)
                .toList();
    }

    /** How many writes {@code stage} handled. */
    public int total(String stage) {
        return entries(stage).stream().mapToInt(Integer::intValue).sum();
    }

    /** Every reported lag of {@code stage}. */
    public List<Long> lags(String stage) {
        return batches.stream()
                .filter(b -> b.stage().equals(stage))
                .flatMapToLong(b -> java.util.Arrays.stream(b.lagMillis()))
                .boxed()
                .toList();
    }
}
