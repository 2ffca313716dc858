package dev.chatsystem.core.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How fast {@code apply} persists the batches a worker drains, on a fresh MariaDB/MySQL database per run: 100 batches
 * of 500 message creates spread over 200 chats, the hot-chat case of 500 messages in one chat, and batches of mixed
 * sizes (as a worker drains them: every statement's text, whose length follows the size, differs). Prints writes/s
 * and the applying thread's own CPU per batch (the client-side cost that competes with the API on the same box);
 * asserts only that every message and count arrived. Not a default test (the name does not end in {@code Test}):
 * run it with {@code -Dtest=BatchApplyBenchmark}; {@code -Dbench.props=a=b&c=d} appends Connector/J properties to the
 * URL, which override the store's defaults, to compare driver settings in one run (variants separated by {@code |});
 * {@code -Dbench.passes=N} reports N runs of each.
 */
@Tag("perf")
class BatchApplyBenchmark {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final int BATCHES = Integer.getInteger("bench.batches", 100);
    private static final int PASSES = Integer.getInteger("bench.passes", 1);
    private static final int BATCH_SIZE = 500;
    private static final int CHATS = 200;
    private static final String BODY = "a message body of a typical length, some sixty characters long";

    @Test
    void batchesOfMessageCreates() {
        List<String> variants = new ArrayList<>(List.of(""));
        String props = System.getProperty("bench.props", "");
        for (String variant : props.split("\\|")) {
            if (!variant.isBlank()) {
                variants.add(variant);
            }
        }
        // A first pass warms the JIT and is not reported; the variants take turns so that noise hits them alike.
        for (int pass = 0; pass <= PASSES; pass++) {
            for (String variant : variants) {
                run("spread over " + CHATS + " chats", variant, CHATS, false, pass > 0);
                run("one hot chat", variant, 1, false, pass > 0);
                run("mixed sizes, " + CHATS + " chats", variant, CHATS, true, pass > 0);
            }
        }
    }

    private static void run(String shape, String props, int chats, boolean mixedSizes, boolean report) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                MySqlChatStore store = MySqlChatStore.open(
                        database.url + (props.isEmpty() ? "" : (database.url.contains("?") ? "&" : "?") + props),
                        MySqlTestDatabase.USER,
                        MySqlTestDatabase.PASSWORD)) {
            store.createApplication("tok", "bench", AT);
            List<Write> created = new ArrayList<>();
            for (long chat = 1; chat <= chats; chat++) {
                created.add(new Write.ChatCreated("tok", chat, AT));
            }
            store.apply(created);
            long[] next = new long[chats + 1];
            List<List<Write>> batches = new ArrayList<>();
            int writes = 0;
            for (int b = 0; b < BATCHES; b++) {
                // Mixed: sizes 1 to 500 in a fixed scattered order, about 250 on average.
                int size = mixedSizes ? 1 + (b * 193) % BATCH_SIZE : BATCH_SIZE;
                List<Write> batch = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    int chat = 1 + writes++ % chats;
                    batch.add(new Write.MessageCreated("tok", chat, ++next[chat], BODY, AT, 1));
                }
                batches.add(batch);
            }
            long cpu = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            batches.forEach(store::apply);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMillis = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;

            assertThat(store.countMessages(Optional.empty())).isEqualTo(writes);
            for (long chat = 1; chat <= chats; chat++) {
                assertThat(store.chat("tok", chat).orElseThrow().messagesCount())
                        .isEqualTo(next[(int) chat]);
            }
            if (report) {
                System.out.printf(
                        Locale.ROOT,
                        "BENCH %-24s %-40s %8.0f writes/s  %6.1f ms/batch  client CPU %5.1f ms/batch%n",
                        shape,
                        props.isEmpty() ? "(store defaults)" : props,
                        writes / seconds,
                        seconds * 1000 / BATCHES,
                        cpuMillis / BATCHES);
            }
        }
    }
}
