package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.search.WordGrams;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.SearchCorpus;
import dev.chatsystem.core.testing.Services;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The client-side cost of bulk indexing, old way against new way in one run: the typed client's {@code BulkRequest}
 * with data-bound documents (a copy of the code {@link ElasticsearchSearchIndex} used before, kept here only) and
 * the adapter's NDJSON body streamed by {@link BulkBody} through the low-level client. Each run indexes {@code
 * bench.messages} (100,000) messages of 4 to 8 words, over 1,000 chats, in batches of 500 with {@code refresh=false}
 * (as the queue's index worker does) into a fresh index. Prints docs/s and, per 1,000 documents, the calling
 * thread's CPU (building the body and reading the answer; the I/O happens on the client's reactor threads) and the
 * whole JVM's; asserts only that every document arrived. Not a default test (the name does not end in {@code
 * Test}): run it with {@code -Dtest=ElasticsearchBulkBenchmark}; {@code -Dbench.passes=N} reports N runs of each.
 */
@Tag("perf")
class ElasticsearchBulkBenchmark {
    private static final int MESSAGES = Integer.getInteger("bench.messages", 100_000);
    private static final int PASSES = Integer.getInteger("bench.passes", 3);
    private static final int BATCH_SIZE = 500;
    private static final int CHATS = 1_000;

    private enum Way {
        TYPED_CLIENT,
        STREAMED_BODY
    }

    /** The document the typed client data-bound, as it was in {@code MessageDocuments}. */
    record Document(String id, String token, String chat, long number, String body, List<String> grams) {}

    @Test
    void typedClientAgainstStreamedBody() throws IOException {
        URI url = Services.requireElasticsearch();
        List<List<IndexedMessage>> batches = batches(new Random(42));
        Map<Way, List<double[]>> results = new EnumMap<>(Way.class);
        try (Rest5ClientTransport transport =
                        new Rest5ClientTransport(Rest5Client.builder(url).build(), new JacksonJsonpMapper());
                QueryWords words = new QueryWords()) {
            ElasticsearchClient client = new ElasticsearchClient(transport);
            // A first pass warms the JIT and is not reported; the ways take turns so that noise hits them alike.
            for (int pass = 0; pass <= PASSES; pass++) {
                for (Way way : Way.values()) {
                    double[] figures = run(way, url, client, words, batches);
                    if (pass > 0) {
                        results.computeIfAbsent(way, w -> new ArrayList<>()).add(figures);
                        print(way + " pass " + pass, figures);
                    }
                }
            }
        }
        for (Way way : Way.values()) {
            print(way + " mean", mean(results.get(way)));
        }
        double[] typed = mean(results.get(Way.TYPED_CLIENT));
        double[] streamed = mean(results.get(Way.STREAMED_BODY));
        System.out.printf(
                Locale.ROOT,
                "BENCH streamed / typed: docs/s x%.2f, thread CPU x%.2f, JVM CPU x%.2f%n",
                streamed[0] / typed[0],
                streamed[1] / typed[1],
                streamed[2] / typed[2]);
    }

    /** Indexes every batch into a fresh index; docs/s, thread CPU ms and JVM CPU ms per 1,000 documents. */
    private static double[] run(
            Way way, URI url, ElasticsearchClient client, QueryWords words, List<List<IndexedMessage>> batches)
            throws IOException {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String name = "chat-bench-" + UUID.randomUUID().toString().toLowerCase(Locale.ROOT);
        try (ElasticsearchSearchIndex index = ElasticsearchSearchIndex.open(url, name)) {
            long threadCpu = threads.getCurrentThreadCpuTime();
            long processCpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            for (List<IndexedMessage> batch : batches) {
                if (way == Way.TYPED_CLIENT) {
                    typedBulk(client, name, words, batch);
                } else {
                    index.indexInBackground(batch);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double thousands = MESSAGES / 1_000.0;
            double[] figures = {
                MESSAGES / seconds,
                (threads.getCurrentThreadCpuTime() - threadCpu) / 1e6 / thousands,
                (os.getProcessCpuTime() - processCpu) / 1e6 / thousands
            };
            client.indices().refresh(r -> r.index(name));
            assertThat(index.count()).isEqualTo(MESSAGES);
            return figures;
        } finally {
            client.indices().delete(d -> d.index(name).ignoreUnavailable(true));
        }
    }

    /** The old {@code bulkIndex}, as it was (less the index creation check and the closed-analyzer handling). */
    private static void typedBulk(
            ElasticsearchClient client, String indexName, QueryWords words, List<IndexedMessage> messages)
            throws IOException {
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(indexName).refresh(Refresh.False);
        for (IndexedMessage message : messages) {
            Document document = toDocument(message, words.bodyWords(message.body()));
            bulk.operations(op -> op.index(i -> {
                i.id(document.id()).routing(document.chat()).document(document);
                return message.version() > 0 ? i.version(message.version()).versionType(VersionType.ExternalGte) : i;
            }));
        }
        BulkRequest request = bulk.build();
        BulkResponse response = ClientCalls.translate("index messages", () -> client.bulk(request));
        if (response.errors()) { // fresh documents of a fresh index: not even a version conflict is expected
            throw new AssertionError("bulk errors: " + response.items());
        }
    }

    /** The old {@code MessageDocuments.toDocument}. */
    private static Document toDocument(IndexedMessage message, Collection<String> words) {
        return new Document(
                MessageDocuments.id(message),
                message.token(),
                MessageDocuments.chatKey(message.token(), message.chatNumber()),
                message.messageNumber(),
                message.body(),
                WordGrams.fieldValues(words));
    }

    private static List<List<IndexedMessage>> batches(Random random) {
        List<String> vocabulary = SearchCorpus.vocabulary(random);
        long[] next = new long[CHATS + 1];
        List<List<IndexedMessage>> batches = new ArrayList<>();
        List<IndexedMessage> batch = new ArrayList<>(BATCH_SIZE);
        for (int i = 0; i < MESSAGES; i++) {
            int chat = 1 + random.nextInt(CHATS);
            String body = IntStream.range(0, 4 + random.nextInt(5))
                    .mapToObj(w -> vocabulary.get(random.nextInt(vocabulary.size())))
                    .collect(Collectors.joining(" "));
            batch.add(new IndexedMessage("bench-token", chat, ++next[chat], body, 1));
            if (batch.size() == BATCH_SIZE) {
                batches.add(batch);
                batch = new ArrayList<>(BATCH_SIZE);
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    private static double[] mean(List<double[]> runs) {
        double[] mean = new double[3];
        for (double[] run : runs) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += run[i] / runs.size();
            }
        }
        return mean;
    }

    private static void print(String label, double[] figures) {
        System.out.printf(
                Locale.ROOT,
                "BENCH %-26s %8.0f docs/s  thread CPU %6.1f ms/1,000 docs  JVM CPU %6.1f ms/1,000 docs%n",
                label,
                figures[0],
                figures[1],
                figures[2]);
    }
}
