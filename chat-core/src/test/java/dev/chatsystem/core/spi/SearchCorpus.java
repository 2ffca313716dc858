package dev.chatsystem.core.spi;

import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** A reproducible synthetic corpus for the search adapters' performance smoke tests. */
public final class SearchCorpus {
    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zu", "pe", "dan", "mor", "quel", "tis"
    };

    private SearchCorpus() {}

    /** A vocabulary of up to 5,000 distinct made-up words. */
    public static List<String> vocabulary(Random random) {
        return IntStream.range(0, 5_000).mapToObj(i -> word(random)).distinct().toList();
    }

    /**
     * Runs 220 searches in one chat (whole words, prefixes, infixes, two words; the first 20 warm up) and describes
     * the latencies of the other 200: for printing, never for asserting.
     */
    public static String timeSearches(
            SearchIndex index, String token, long chat, Random random, List<String> vocabulary) {
        List<String> queries = IntStream.range(0, 220)
                .mapToObj(i -> query(random, vocabulary, i))
                .toList();
        long[] micros = new long[200];
        int hits = 0;
        for (int i = 0; i < queries.size(); i++) {
            long started = System.nanoTime();
            hits += index.search(token, chat, queries.get(i), 20).size();
            if (i >= 20) {
                micros[i - 20] = (System.nanoTime() - started) / 1_000;
            }
        }
        java.util.Arrays.sort(micros);
        return "200 searches (limit 20, %d hits): p50 %d µs, p95 %d µs, max %d µs"
                .formatted(hits, micros[99], micros[189], micros[199]);
    }

    /** A made-up word of 3 or 4 syllables. */
    public static String word(Random random) {
        StringBuilder word = new StringBuilder();
        for (int i = 3 + random.nextInt(2); i > 0; i--) {
            word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
        }
        return word.toString();
    }

    /** A body of 8..15 words from the vocabulary. */
    public static String body(Random random, List<String> vocabulary) {
        return IntStream.range(0, 8 + random.nextInt(8))
                .mapToObj(i -> vocabulary.get(random.nextInt(vocabulary.size())))
                .collect(Collectors.joining(" "));
    }

    /** Cycles through whole words, prefixes, infixes and two-word queries. */
    public static String query(Random random, List<String> vocabulary, int i) {
        String word = vocabulary.get(random.nextInt(vocabulary.size()));
        return switch (i % 4) {
            case 0 -> word;
            case 1 -> word.substring(0, 4);
            case 2 -> word.substring(1, 5);
            default -> word.substring(0, 3) + " " + vocabulary.get(random.nextInt(vocabulary.size()));
        };
    }
}
