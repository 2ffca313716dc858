package dev.chatsystem.core.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.WorkerListener;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardedWorkerListenerTest {
    @Test
    void anyFailureOfTheListenerIsIgnoredButOneOfTheJvmItself() {
        WorkerListener asserting = GuardedWorkerListener.of(throwing(new AssertionError("listener")));
        WorkerListener failing = GuardedWorkerListener.of(throwing(new IllegalStateException("listener")));
        WorkerListener outOfMemory = GuardedWorkerListener.of(throwing(new OutOfMemoryError("jvm")));

        for (WorkerListener ignored : List.of(asserting, failing)) {
            assertThatCode(() -> ignored.batchHandled("persist", 0, new long[] {1}))
                    .doesNotThrowAnyException();
            assertThatCode(() -> ignored.reconciled(new ReconcileReport(List.of()), Duration.ZERO))
                    .doesNotThrowAnyException();
            assertThatCode(() -> ignored.reconcileFailed(new IllegalStateException("x"), Duration.ZERO))
                    .doesNotThrowAnyException();
        }
        assertThatThrownBy(() -> outOfMemory.batchHandled("persist", 0, new long[] {1}))
                .isInstanceOf(OutOfMemoryError.class);
    }

    private static WorkerListener throwing(Throwable failure) {
        return new WorkerListener() {
            @Override
            public void batchHandled(String stage, int shard, long[] lagMillis) {
                rethrow(failure);
            }

            @Override
            public void reconciled(ReconcileReport report, Duration took) {
                rethrow(failure);
            }

            @Override
            public void reconcileFailed(RuntimeException cause, Duration took) {
                rethrow(failure);
            }
        };
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof Error error) {
            throw error;
        }
        throw (RuntimeException) failure;
    }
}
