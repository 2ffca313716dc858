package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.QueueMemory;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One scrape reads the backlog once, however long the read takes (Redis timing out, say). */
class QueueGaugesTest {
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicBoolean failFirstRead = new AtomicBoolean();

    @Test
    void aBacklogReadSlowerThanTheCacheIsStillReadOncePerScrape() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        QueueGauges.bindTo(registry, slowBacklog(QueueGauges.CACHE_FOR.plusMillis(100)));
        int atStartUp = reads.get();

        String scrape = registry.scrape(); // four gauges: two shards, two stages

        assertThat(scrape).contains("chat_queue_entries{shard=\"1\",stage=\"index\"} 7.0");
        assertThat(reads.get() - atStartUp).isEqualTo(1); // it was one per gauge
    }

    @Test
    void aBacklogUnreadableAtStartUpStillGetsItsGaugesOnePerShardAndStage() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        failFirstRead.set(true); // Redis down when the server starts

        QueueGauges.bindTo(registry, slowBacklog(Duration.ZERO));

        assertThat(registry.scrape())
                .contains("chat_queue_entries{shard=\"1\",stage=\"index\"} 7.0")
                .contains("chat_queue_oldest_age_seconds{shard=\"0\",stage=\"persist\"} 0.02");
    }

    /** A chat system whose backlog takes {@code readTime} to read; everything else fails. */
    private ChatSystem slowBacklog(Duration readTime) {
        List<QueueBacklog> backlog = List.of(
                new QueueBacklog(0, QueueBacklog.PERSIST, 5, Duration.ofMillis(20)),
                new QueueBacklog(0, QueueBacklog.INDEX, 6, Duration.ofMillis(30)),
                new QueueBacklog(1, QueueBacklog.PERSIST, 0, Duration.ZERO),
                new QueueBacklog(1, QueueBacklog.INDEX, 7, Duration.ofMillis(40)));
        return (ChatSystem) Proxy.newProxyInstance(
                ChatSystem.class.getClassLoader(), new Class<?>[] {ChatSystem.class}, (proxy, method, args) -> {
                    return switch (method.getName()) {
                        case "queueBacklog" -> {
                            if (failFirstRead.getAndSet(false)) {
                                throw new BackendUnavailableException("Redis unreachable");
                            }
                            reads.incrementAndGet();
                            Thread.sleep(readTime);
                            yield backlog;
                        }
                        case "queueMemory" -> List.of(new QueueMemory(0, 0, 1 << 20), new QueueMemory(1, 0, 1 << 20));
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }
}
