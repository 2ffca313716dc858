package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.BackendUnavailableException;
import dev.chatsystem.core.ReconcileReport;
import dev.chatsystem.core.ReconcileReport.Correction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RangedReconcileTest {
    private final List<Long> ranges = new ArrayList<>();
    private final ReconcileReport.Tally corrections = new ReconcileReport.Tally();

    @Test
    void aFailingRangeDoesNotKeepTheLaterOnesFromBeingFixed() {
        RangedReconcile.Range failingFirst = (after, upTo) -> {
            ranges.add(after);
            if (after == 0) {
                throw new BackendUnavailableException("socket timeout: a chat of a hundred million messages");
            }
            corrections.addAll(List.of(new Correction("tok", after + 1, 1, 2)));
        };

        assertThatThrownBy(() -> RangedReconcile.run(30, 10, failingFirst))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageContaining("socket timeout");

        assertThat(ranges).containsExactly(0L, 10L, 20L);
        assertThat(corrections.report().corrections())
                .extracting(Correction::chatNumber)
                .containsExactly(11L, 21L);
    }

    @Test
    void threeFailuresInARowEndTheRun() {
        RangedReconcile.Range down = (after, upTo) -> {
            ranges.add(after);
            throw new BackendUnavailableException("database down " + after);
        };

        assertThatThrownBy(() -> RangedReconcile.run(100, 10, down))
                .hasMessage("database down 0")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));

        assertThat(ranges).containsExactly(0L, 10L, 20L);
    }

    @Test
    void everyRangeRunsOnceWhenNoneFails() {
        RangedReconcile.run(25, 10, (after, upTo) -> {
            ranges.add(after);
            assertThat(upTo).isEqualTo(after + 10);
        });

        assertThat(ranges).containsExactly(0L, 10L, 20L);
    }

    /** A range's rows: one whose fix fails (its chat's lock held past the lock wait) leaves the others to be fixed. */
    @Test
    void aFailingRowDoesNotKeepTheRestOfItsRangeFromBeingFixed() {
        List<Integer> fixed = new ArrayList<>();

        assertThatThrownBy(() -> RangedReconcile.goingOn(List.of(1, 2, 3, 4), row -> {
                    if (row == 2) {
                        throw new BackendUnavailableException("lock wait timeout on row 2");
                    }
                    fixed.add(row);
                }))
                .hasMessageContaining("row 2");

        assertThat(fixed).containsExactly(1, 3, 4);
    }

    @Test
    void threeRowsFailingInARowEndTheRange() {
        List<Integer> tried = new ArrayList<>();

        assertThatThrownBy(() -> RangedReconcile.goingOn(List.of(1, 2, 3, 4, 5), row -> {
                    tried.add(row);
                    throw new BackendUnavailableException("database down " + row);
                }))
                .hasMessage("database down 1")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));

        assertThat(tried).containsExactly(1, 2, 3);
    }
}
