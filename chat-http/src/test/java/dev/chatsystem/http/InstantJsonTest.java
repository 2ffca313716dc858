package dev.chatsystem.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast timestamp writer against the formatter whose output it must reproduce character for character. */
class InstantJsonTest {
    static Stream<Instant> edges() {
        return Stream.of(
                Instant.EPOCH,
                Instant.parse("1970-01-01T00:00:00.000000001Z"),
                Instant.parse("2026-11-26T07:00:00Z"),
                Instant.parse("2026-11-26T07:00:00.100Z"),
                Instant.parse("2026-11-26T07:00:00.000100Z"),
                Instant.parse("2026-11-26T07:00:00.120300Z"),
                Instant.parse("2026-11-26T07:00:00.999999999Z"),
                Instant.parse("2000-02-29T23:59:59.5Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("1969-12-31T23:59:59.999Z"),
                Instant.MIN,
                Instant.MAX);
    }

    @ParameterizedTest
    @MethodSource("edges")
    void writesEdgeInstantsAsIsoInstantDoes(Instant instant) {
        assertThat(InstantJson.format(instant)).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(instant));
    }

    @Test
    void writesRandomInstantsOfEveryPrecisionAsIsoInstantDoes() {
        Random random = new Random(20261126);
        for (int i = 0; i < 200_000; i++) {
            Instant instant =
                    Instant.ofEpochSecond(random.nextLong(0, 253_402_300_800L), random.nextInt(1_000_000_000));
            ChronoUnit unit = switch (i % 4) {
                case 0 -> ChronoUnit.SECONDS;
                case 1 -> ChronoUnit.MILLIS;
                case 2 -> ChronoUnit.MICROS;
                default -> ChronoUnit.NANOS;
            };
            Instant truncated = instant.truncatedTo(unit);
            assertThat(InstantJson.format(truncated))
                    .as("%s", truncated)
                    .isEqualTo(DateTimeFormatter.ISO_INSTANT.format(truncated));
        }
    }

    @Test
    void theServersMapperWritesTimestampsThroughIt() throws Exception {
        ObjectMapper mapper = ChatServer.objectMapper();
        Instant at = Instant.parse("2026-11-26T07:00:00.123456Z");

        assertThat(mapper.getSerializerProviderInstance().findValueSerializer(Instant.class))
                .isInstanceOf(InstantJson.class);
        assertThat(mapper.writeValueAsString(new MessageResponse(1, 2, "b", at, at)))
                .contains("\"created_at\":\"2026-11-26T07:00:00.123456Z\"")
                .contains("\"updated_at\":\"2026-11-26T07:00:00.123456Z\"");
    }
}
