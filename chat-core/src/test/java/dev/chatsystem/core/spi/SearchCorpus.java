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
