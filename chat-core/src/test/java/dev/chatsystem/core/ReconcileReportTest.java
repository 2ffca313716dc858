package dev.chatsystem.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.chatsystem.core.ReconcileReport.Correction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ReconcileReportTest {
    @Test
    void aTallyListsTheFirstCorrectionsAndCountsThemAll() {
        ReconcileReport.Tally tally = new ReconcileReport.Tally();
        for (int range = 0; range < 3; range++) {
            tally.addAll(corrections(range * 600L, 600));
        }

        ReconcileReport report = tally.report();

        assertThat(report.corrected()).isEqualTo(1_800);
        assertThat(report.corrections()).hasSize(ReconcileReport.LISTED);
        assertThat(report.corrections())
                .extracting(Correction::chatNumber)
                .startsWith(1L, 2L)
                .endsWith(1_000L);
        assertThat(report.truncated()).isTrue();
    }

    @Test
    void aSmallRunListsEveryCorrection() {
        ReconcileReport.Tally tally = new ReconcileReport.Tally();
        assertThat(tally.isEmpty()).isTrue();

        tally.addAll(corrections(0, 3));
        tally.addAll(List.of());

        assertThat(tally.isEmpty()).isFalse();
        assertThat(tally.report().corrections()).hasSize(3);
        assertThat(tally.report().corrected()).isEqualTo(3);
        assertThat(tally.report().truncated()).isFalse();
    }

    @Test
    void aReportCannotCountFewerCorrectionsThanItLists() {
        assertThatThrownBy(() -> new ReconcileReport(corrections(0, 2), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReconcileReport(corrections(0, ReconcileReport.LISTED + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Correction> corrections(long after, int count) {
        List<Correction> list = new ArrayList<>();
        LongStream.rangeClosed(after + 1, after + count).forEach(n -> list.add(new Correction("tok", n, 0, 1)));
        return list;
    }
}
