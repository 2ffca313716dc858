package dev.chatsystem.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.mysql.MySqlChatStore;
import dev.chatsystem.core.spi.IndexedMessage;
import dev.chatsystem.core.spi.Write;
import dev.chatsystem.core.testing.MySqlTestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rows stored before messages had versions hold version 0, which the index takes as unversioned and lets overwrite a
 * newer edit of the message indexed ahead of the store: a reindex or catch-up gives them a version below any edit
 * made after their last update instead.
 */
class UnversionedRowsTest {
    private static final Instant UPDATED = Instant.parse("2026-01-02T03:04:05.123456Z");

    @Test
    void aStoredVersionIsKept() {
        assertThat(Rows.indexVersion(42, Rows.micros(UPDATED))).isEqualTo(42);
    }

    @Test
    void anUnversionedRowGetsAVersionBelowAnyEditAfterItsUpdateAndAboveCountedVersions() {
        long derived = Rows.indexVersion(0, Rows.micros(UPDATED));
        long editASecondLater = UPDATED.plusSeconds(1).toEpochMilli() * 1_000_000L;
        long editFromAClockHalfAnHourBehind =
                UPDATED.plusSeconds(1).minusSeconds(1_800).toEpochMilli() * 1_000_000L;

        assertThat(derived).isLessThan(editASecondLater).isLessThan(editFromAClockHalfAnHourBehind);
        assertThat(derived).isGreaterThan(1_000_000L); // Elasticsearch's own counts of unversioned writes
        assertThat(Rows.indexVersion(0, 0)).isPositive();
    }

    @Test
    void theIndexFeedGivesUnversionedRowsTheirDerivedVersion() throws Exception {
        try (MySqlTestDatabase database = MySqlTestDatabase.create();
                MySqlChatStore store = database.open()) {
            Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
            store.createApplication("unversioned-rows-token-0123456789", "app", at);
            store.apply(List.of(
                    new Write.ChatCreated("unversioned-rows-token-0123456789", 1, at),
                    new Write.MessageCreated("unversioned-rows-token-0123456789", 1, 1, "stored long ago", at, 7),
                    new Write.MessageCreated("unversioned-rows-token-0123456789", 1, 2, "versioned", at, 8)));
            try (Connection connection = database.connect();
                    Statement statement = connection.createStatement()) {
                // What a row written before versions existed holds.
                statement.executeUpdate("UPDATE messages SET version = 0, updated_at = " + Rows.micros(UPDATED)
                        + " WHERE message_number = 1");
            }

            List<IndexedMessage> fed =
                    store.messagesForIndex(Optional.empty(), 0, 10).messages();

            assertThat(fed)
                    .extracting(IndexedMessage::version)
                    .containsExactly(Rows.indexVersion(0, Rows.micros(UPDATED)), 8L);
        }
    }
}
