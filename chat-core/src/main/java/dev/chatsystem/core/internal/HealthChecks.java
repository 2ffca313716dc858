package dev.chatsystem.core.internal;

import dev.chatsystem.core.BackendStatus;
import dev.chatsystem.core.Health;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Asks every backend at once and waits for the answers up to a deadline: checked one after another, a backend that
 * hangs (a frozen Elasticsearch answers after its 30 s response timeout) held every probe for as long, and a load
 * balancer saw a timeout instead of a 503 naming the backend. One that does not answer in time is down ("no answer");
 * its check goes on in the background, and later probes wait for that one instead of asking it again.
 *
 * <p>Thread-safe.
 */
final class HealthChecks {
    /**
     * Longer than the timeouts the adapters set for a down backend to say why (a pool's 5 s wait for a connection, a
     * Redis socket's 5 s), shorter than the 30 s an Elasticsearch response may take.
     */
    static final Duration DEADLINE = Duration.ofSeconds(6);

    /** A backend's check; {@code name} stands for it until it has answered once. */
    record Check(String name, Supplier<BackendStatus> ask) {
        Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(ask, "ask");
        }
    }

    private final List<Check> checks;
    private final Duration deadline;
    private final Map<Check, CompletableFuture<BackendStatus>> inFlight = new ConcurrentHashMap<>();
    private final Map<Check, BackendStatus> lastAnswer = new ConcurrentHashMap<>();
    private final Executor virtualThreads;

    HealthChecks(List<Check> checks, Duration deadline) {
        this.checks = List.copyOf(checks);
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        ThreadFactory factory = Thread.ofVirtual().name("health-check-", 0).factory();
        this.virtualThreads = task -> factory.newThread(task).start();
    }

    Health check() {
        long until = System.nanoTime() + deadline.toNanos();
        List<CompletableFuture<BackendStatus>> answers =
                checks.stream().map(this::ask).toList();
        List<BackendStatus> statuses = new ArrayList<>(checks.size());
        for (int i = 0; i < checks.size(); i++) {
            statuses.add(await(checks.get(i), answers.get(i), until));
        }
        return new Health(statuses);
    }

    /** The backend named {@code name} alone, within the same deadline; the others are not asked. */
    BackendStatus check(String name) {
        long until = System.nanoTime() + deadline.toNanos();
        Check check = checks.stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no backend check named " + name));
        return await(check, ask(check), until);
    }

    /** The check under way for this backend, or a new one. */
    private CompletableFuture<BackendStatus> ask(Check check) {
        return inFlight.compute(check, (key, running) -> {
            if (running != null && !running.isDone()) {
                return running;
            }
            CompletableFuture<BackendStatus> asked = CompletableFuture.supplyAsync(check.ask(), virtualThreads);
            // Kept even when nobody waits for it any more: the next timeout names the backend as it answered.
            asked.thenAccept(status -> lastAnswer.put(check, status));
            return asked;
        });
    }

    private BackendStatus await(Check check, CompletableFuture<BackendStatus> answer, long until) {
        try {
            return answer.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return down(check, "no answer within " + deadline.toSeconds() + " s");
        } catch (ExecutionException e) {
            return down(check, String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(check, "interrupted while checking");
        }
    }

    /**
     * Down, under the name and kind the backend answered with last (its placeholder until it has answered), with why
     * it was down then, if it was.
     */
    private BackendStatus down(Check check, String detail) {
        BackendStatus last = lastAnswer.get(check);
        if (last == null) {
            return BackendStatus.down(check.name(), "unknown", detail);
        }
        return BackendStatus.down(
                last.name(), last.kind(), last.up() ? detail : detail + "; last answer: " + last.detail());
    }
}
