package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeyLookupsTest {
    @Test
    void padsAnInListToThePowerOfTwoAboveWithItsLastKey() {
        assertThat(KeyLookups.padded(List.of(7L), 1)).containsExactly(7L);
        assertThat(KeyLookups.padded(List.of(1L, 2L), 1)).containsExactly(1L, 2L);
        assertThat(KeyLookups.padded(List.of(1L, 2L, 3L), 1)).containsExactly(1L, 2L, 3L, 3L);
        assertThat(KeyLookups.padded(List.of(1L, 10L, 2L, 20L, 3L, 30L), 2))
                .containsExactly(1L, 10L, 2L, 20L, 3L, 30L, 3L, 30L);
        assertThat(KeyLookups.padded(keys(5), 1)).hasSize(8);
        assertThat(KeyLookups.padded(keys(129), 1)).hasSize(KeyLookups.KEYS_PER_STATEMENT);
        assertThat(KeyLookups.padded(keys(KeyLookups.KEYS_PER_STATEMENT), 1)).hasSize(KeyLookups.KEYS_PER_STATEMENT);
    }

    @Test
    void batchesOfNearbySizesShareOneStatementText() {
        List<Integer> sizes = IntStream.rangeClosed(33, 64)
                .mapToObj(n -> KeyLookups.padded(keys(2 * n), 2).size() / 2)
                .distinct()
                .toList();
        assertThat(sizes).containsExactly(64);
    }

    private static List<Long> keys(int count) {
        return Collections.nCopies(count, 5L);
    }
}
