package dev.chatsystem.core.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.search.WordGrams;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SequencedSet;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * Turns user text into the body of a {@code _search} request without query syntax, the same query the embedded
 * Lucene index runs: the text is analyzed client-side into {@link QueryWords}, and each word becomes a required
 * clause matching it as a whole word, a prefix or an infix. Prefixes and infixes are phrases over the word trigrams
 * ({@link WordGrams}), or for words too short for those, single terms of the words' pieces: never a {@code wildcard},
 * which would walk the whole term dictionary.
 *
 * <p>Every sub-clause is a {@code constant_score}, so a word contributes 4 + 2 + 1 when it matches a whole word,
 * 2 + 1 as a prefix and 1 as an infix: the ranking does not depend on term statistics, which differ between
 * shards. Ties go to the newer message. The number comes back as the second sort value, so nothing is fetched.
 *
 * <p>The embedded index first looks for the messages holding every word whole, which fill the page of a common word
 * for a fraction of the ranked query's cost (see its {@code MessageQueries}). Here that costs a second request when
 * they do not fill it: Elasticsearch spent 0.61-0.73 ms of CPU on such a search of a whole word against 1.17-1.19 ms
 * for the ranked one, but 0.22-0.27 ms on a search that finds nothing, and the benchmark's searches, three in four of
 * them a prefix, cost the box more that way (box CPU per search 2,536-2,671 µs against 2,389-2,632, alternated).
 *
 * <p>Written with Jackson's streaming generator and sent through the low-level client, as bulk bodies are: the typed
 * client's query builders and response data-binding cost more CPU than the rest of a search in this process.
 */
final class MessageSearches {
    private static final float EXACT = 4f;
    private static final float PREFIX = 2f;
    private static final float INFIX = 1f;
    private static final JsonFactory JSON = new JsonFactory();

    private MessageSearches() {}

    /** The body of the search for {@code words} (not empty) in one chat; the request must be routed to the chat. */
    static HttpEntity body(String token, long chatNumber, SequencedSet<String> words, int limit) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(512 + 256 * words.size());
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            json.writeStartObject();
            json.writeNumberField("size", limit);
            json.writeBooleanField("track_total_hits", false);
            json.writeBooleanField("_source", false);
            json.writeObjectFieldStart("query");
            json.writeObjectFieldStart("bool");
            json.writeArrayFieldStart("filter");
            term(json, MessageDocuments.CHAT, MessageDocuments.chatKey(token, chatNumber));
            json.writeEndArray();
            json.writeArrayFieldStart("must");
            for (String word : words) {
                wordQuery(json, word);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndObject();
            json.writeArrayFieldStart("sort");
            json.writeRawValue("{\"_score\":{\"order\":\"desc\"}}");
            json.writeRawValue("{\"" + MessageDocuments.NUMBER + "\":{\"order\":\"desc\"}}");
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does no I/O
        }
        return new ByteArrayEntity(buffer.toByteArray(), ContentType.APPLICATION_JSON);
    }

    /** {@code bool.should} of the word as a whole word, a prefix and an infix. */
    private static void wordQuery(JsonGenerator json, String word) throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart("bool");
        json.writeArrayFieldStart("should");

        constantScoreStart(json);
        term(json, MessageDocuments.BODY, word);
        constantScoreEnd(json, EXACT);

        constantScoreStart(json);
        match(json, WordGrams.prefix(word));
        constantScoreEnd(json, PREFIX);

        constantScoreStart(json);
        match(json, WordGrams.infix(word));
        constantScoreEnd(json, INFIX);

        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void term(JsonGenerator json, String field, String value) throws IOException {
        leaf(json, "term", field, "value", value);
    }

    /** A phrase of grams (the field's whitespace analyzer splits them back exactly) or a term of the pieces. */
    private static void match(JsonGenerator json, WordGrams.Match match) throws IOException {
        switch (match) {
            case WordGrams.Match.Phrase(List<String> grams) ->
                leaf(json, "match_phrase", MessageDocuments.GRAMS, "query", String.join(" ", grams));
            case WordGrams.Match.Piece(String piece) -> term(json, MessageDocuments.PIECES, piece);
        }
    }

    /** {@code {"<type>": {"<field>": {"<key>": "<value>"}}}} */
    private static void leaf(JsonGenerator json, String type, String field, String key, String value)
            throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart(type);
        json.writeObjectFieldStart(field);
        json.writeStringField(key, value);
        json.writeEndObject();
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void constantScoreStart(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart("constant_score");
        json.writeFieldName("filter");
    }

    private static void constantScoreEnd(JsonGenerator json, float boost) throws IOException {
        json.writeNumberField("boost", boost);
        json.writeEndObject();
        json.writeEndObject();
    }
}
