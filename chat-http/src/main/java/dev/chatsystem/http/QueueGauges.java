package dev.chatsystem.http;

import dev.chatsystem.core.ChatSystem;
import dev.chatsystem.core.QueueBacklog;
import dev.chatsystem.core.QueueMemory;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write queue's backlog per shard and stage: entries waiting and the age of the oldest (the stage's lag). The
 * backlog may cost a few queue-backend calls per shard, so one answer serves every gauge for a second.
 */
final class QueueGauges {
    static final Duration CACHE_FOR = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(QueueGauges.class);

    /** The help of {@code chat_queue_oldest_age_seconds}: the bulk is sent without waiting for a refresh. */
    private static final String OLDEST_AGE = "age of the oldest write the stage has not finished (index, distributed"
            + " form: until Elasticsearch accepted its bulk; searchable at the index's next refresh)";

    private final ChatSystem chatSystem;
    private final ReentrantLock lock = new ReentrantLock(); // guards last, fetchedAt and fetched
    private List<QueueBacklog> last = List.of();
    private long fetchedAt;
    private boolean fetched;

    private QueueGauges(ChatSystem chatSystem) {
        this.chatSystem = chatSystem;
    }

    static void bindTo(MeterRegistry registry, ChatSystem chatSystem) {
        QueueGauges gauges = new QueueGauges(chatSystem);
        // Monitoring never stops the server from starting.
        List<QueueMemory> memories;
        try {
            memories = chatSystem.queueMemory(); // measured by the write path itself: no backend call
        } catch (RuntimeException e) {
            log.warn("queue gauges left out: the queue's shards are not known: {}", e.toString());
            return;
        }
        List<QueueBacklog> shape;
        try {
            shape = chatSystem.queueBacklog();
        } catch (RuntimeException e) {
            // Nor leaves the lag unwatched for the process's life: one gauge per shard (those the queue measures
            // locally) and stage, NaN until the backend answers.
            log.warn(
                    "the queue backlog is not readable at start-up (its gauges read NaN until it is): {}",
                    e.toString());
            shape = memories.stream()
                    .flatMap(memory -> Stream.of(QueueBacklog.PERSIST, QueueBacklog.INDEX)
                            .map(stage -> new QueueBacklog(memory.shard(), stage, 0, Duration.ZERO)))
                    .toList();
        }
        for (QueueMemory memory : memories) {
            int shard = memory.shard();
            Gauge.builder("chat.queue.stream", () -> streamBytes(chatSystem, shard))
                    .baseUnit("bytes")
                    .description(
                            "the shard's queue stream as last measured; writes are refused at " + memory.maxBytes())
                    .tag("shard", Integer.toString(shard))
                    .register(registry);
        }
        for (QueueBacklog backlog : shape) {
            gauges.register(
                    registry,
                    "chat.queue.entries",
                    null,
                    "accepted writes the stage has not finished",
                    backlog,
                    b -> b.entries());
            gauges.register(
                    registry,
                    "chat.queue.oldest.age",
                    "seconds",
                    OLDEST_AGE,
                    backlog,
                    b -> b.oldestAge().toNanos() / 1e9);
        }
    }

    /** Last measured by the write path itself, so no cache: reading it calls no backend. */
    private static double streamBytes(ChatSystem chatSystem, int shard) {
        return chatSystem.queueMemory().stream()
                .filter(m -> m.shard() == shard)
                .mapToDouble(QueueMemory::bytes)
                .findFirst()
                .orElse(Double.NaN);
    }

    private void register(
            MeterRegistry registry,
            String name,
            String unit,
            String description,
            QueueBacklog shape,
            ToDoubleFunction<QueueBacklog> value) {
        Gauge.builder(name, () -> find(shape).map(value::applyAsDouble).orElse(Double.NaN))
                .baseUnit(unit)
                .description(description)
                .tag("shard", Integer.toString(shape.shard()))
                .tag("stage", shape.stage())
                .register(registry);
    }

    private java.util.Optional<QueueBacklog> find(QueueBacklog shape) {
        return current().stream()
                .filter(b -> b.shard() == shape.shard() && b.stage().equals(shape.stage()))
                .findFirst();
    }

    /**
     * Concurrent scrapes wait for one fetch. A {@link ReentrantLock}, not {@code synchronized}: the fetch blocks on the
     * queue backend (Redis) while {@code GET /metrics} runs on a virtual thread, and on JDK 21 to 23 blocking inside
     * {@code synchronized} pins the carrier thread, so a slow Redis would stall every request of the server.
     */
    private List<QueueBacklog> current() {
        lock.lock();
        try {
            long now = System.nanoTime();
            if (!fetched || now - fetchedAt >= CACHE_FOR.toNanos()) {
                fetched = true;
                try {
                    last = chatSystem.queueBacklog();
                } catch (RuntimeException e) {
                    last = List.of(); // gauges read NaN while the backend is down
                } finally {
                    // Counted from the answer: counted from the call, a backlog read slower than the cache (Redis
                    // timing out) made every gauge of one scrape read it again, 32 times with 8 shards.
                    fetchedAt = System.nanoTime();
                }
            }
            return last;
        } finally {
            lock.unlock();
        }
    }
}
