package dev.chatsystem.core.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.hc.core5.http.HttpEntity;
import org.junit.jupiter.api.Test;

/** The search body, field by field: the ranking in {@link MessageSearches}' comment depends on every boost. */
class MessageSearchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eachWordIsRequiredAsAWholeWordAPrefixOrAnInfixInTheChat() throws IOException {
        HttpEntity body = MessageSearches.body("tok/en", 3, new LinkedHashSet<>(List.of("wond", "ab")), 20);

        assertThat(body.getContentType()).startsWith("application/json");
        assertThat(read(body)).isEqualTo(JSON.readTree("""
                {"size": 20, "track_total_hits": false, "_source": false,
                 "query": {"bool": {
                   "filter": [{"term": {"chat": {"value": "tok/en/3"}}}],
                   "must": [
                     {"bool": {"should": [
                       {"constant_score": {"filter": {"term": {"body": {"value": "wond"}}}, "boost": 4.0}},
                       {"constant_score": {"filter": {"match_phrase": {"grams": {"query": "^wo won ond"}}},
                                           "boost": 2.0}},
                       {"constant_score": {"filter": {"match_phrase": {"grams": {"query": "won ond"}}},
                                           "boost": 1.0}}]}},
                     {"bool": {"should": [
                       {"constant_score": {"filter": {"term": {"body": {"value": "ab"}}}, "boost": 4.0}},
                       {"constant_score": {"filter": {"match_phrase": {"grams": {"query": "^ab"}}}, "boost": 2.0}},
                       {"constant_score": {"filter": {"term": {"pieces": {"value": "ab"}}}, "boost": 1.0}}]}}
                   ]}},
                 "sort": [{"_score": {"order": "desc"}}, {"number": {"order": "desc"}}]}
                """));
    }

    @Test
    void aOneLetterWordMatchesTermsOfThePieces() throws IOException {
        JsonNode should = read(MessageSearches.body("t", 1, new LinkedHashSet<>(List.of("a")), 5))
                .at("/query/bool/must/0/bool/should");

        assertThat(should.at("/1/constant_score/filter"))
                .isEqualTo(JSON.readTree("{\"term\":{\"pieces\":{\"value\":\"^a\"}}}"));
        assertThat(should.at("/2/constant_score/filter"))
                .isEqualTo(JSON.readTree("{\"term\":{\"pieces\":{\"value\":\"a\"}}}"));
    }

    private static JsonNode read(HttpEntity body) throws IOException {
        try (InputStream in = body.getContent()) {
            return JSON.readTree(in);
        }
    }
}
