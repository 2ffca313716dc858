package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which answers of Elasticsearch at start stop a process, and which leave it running with search down. */
class StartRefusalsTest {
    @Test
    void aClientErrorStopsTheStartButAPassingRefusalDoesNot() {
        assertThat(ElasticsearchSearchIndex.refusedForGood(400))
                .as("an invalid index name")
                .isTrue();
        assertThat(ElasticsearchSearchIndex.refusedForGood(403))
                .as("no right to create it")
                .isTrue();
        assertThat(ElasticsearchSearchIndex.refusedForGood(429))
                .as("a circuit breaker, for a while")
                .isFalse();
        assertThat(ElasticsearchSearchIndex.refusedForGood(408)).as("a timeout").isFalse();
        assertThat(ElasticsearchSearchIndex.refusedForGood(503)).isFalse();
    }
}
