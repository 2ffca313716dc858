package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.search.WordGrams;
import dev.chatsystem.core.spi.IndexedMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SequencedSet;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;

/**
 * The NDJSON body of a {@code _bulk} request that indexes messages (or deletes documents), written with Jackson's streaming generator:
 * the typed client's builders and its data-binding of each document cost over a third of an index worker's CPU.
 * The documents are those of {@link MessageDocuments} (its field names; the mapping is strict).
 */
final class BulkBody {
    /** Thread-safe once built; the separator puts each action and each document on its own line. */
    private static final JsonFactory JSON =
            new JsonFactoryBuilder().rootValueSeparator("\n").build();

    private static final ContentType NDJSON = ContentType.create("application/x-ndjson");

    /**
     * The most a bulk body may hold, estimated ({@link #estimatedSize}): a batch of long bodies (500 of 64 KB make
     * some 200 MB with their grams) would otherwise exceed Elasticsearch's request limit (100 MB by default) and be
     * refused on every retry, stalling its shard's indexing, and would need as much heap to build.
     */
    static final long MAX_BYTES = 8L * 1024 * 1024;

    private BulkBody() {}

    /**
     * {@code messages} split, in order, into runs whose bodies are estimated at most {@code maxBytes} (a single
     * message larger than that alone).
     */
    static List<List<IndexedMessage>> chunks(List<IndexedMessage> messages, long maxBytes) {
        List<List<IndexedMessage>> chunks = new ArrayList<>();
        int from = 0;
        long size = 0;
        for (int i = 0; i < messages.size(); i++) {
            long next = estimatedSize(messages.get(i));
            if (i > from && size + next > maxBytes) {
                chunks.add(messages.subList(from, i));
                from = i;
                size = 0;
            }
            size += next;
        }
        if (from < messages.size()) {
            chunks.add(messages.subList(from, messages.size()));
        }
        return chunks;
    }

    /**
     * One index action per message, routed by chat and, when the message has a version, versioned {@code
     * external_gte}: Elasticsearch keeps a document only if it is not older than the one it has, so a batch indexed
     * late (a worker stalled past its lease) cannot revert a newer edit. Version 0 is unversioned (rows stored
     * before versions existed) and overwrites.
     *
     * @throws org.apache.lucene.store.AlreadyClosedException when {@code words} was closed concurrently
     */
    static HttpEntity index(List<IndexedMessage> messages, QueryWords words) {
        Buffer buffer = new Buffer(estimatedSize(messages));
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            for (IndexedMessage message : messages) {
                writeAction(json, message);
                writeDocument(json, message, words);
            }
            json.writeRaw('\n'); // the body must end with a newline
        } catch (IOException e) {
            // Writing to memory does no I/O; Jackson escapes every character it may meet, unpaired surrogates too.
            throw new UncheckedIOException(e);
        }
        return buffer.entity();
    }

    /**
     * One delete action per hit, with its routing and the version it was found at ({@code external_gte}): see
     * {@link ElasticsearchSearchIndex#clear} for why deletes are versioned.
     */
    static HttpEntity deletes(List<Hit<Void>> hits) {
        Buffer buffer = new Buffer(64 + 200 * hits.size());
        try (JsonGenerator json = JSON.createGenerator(buffer)) {
            for (Hit<Void> hit : hits) {
                json.writeStartObject();
                json.writeObjectFieldStart("delete");
                json.writeStringField("_id", hit.id());
                json.writeStringField("routing", hit.routing());
                json.writeNumberField("version", Objects.requireNonNull(hit.version(), "the hit's version"));
                json.writeStringField("version_type", "external_gte");
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e); // see index()
        }
        return buffer.entity();
    }

    private static void writeAction(JsonGenerator json, IndexedMessage message) throws IOException {
        json.writeStartObject();
        json.writeObjectFieldStart("index");
        json.writeStringField("_id", MessageDocuments.id(message));
        json.writeStringField("routing", MessageDocuments.chatKey(message.token(), message.chatNumber()));
        if (message.version() > 0) {
            json.writeNumberField("version", message.version());
            json.writeStringField("version_type", "external_gte");
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeDocument(JsonGenerator json, IndexedMessage message, QueryWords words) throws IOException {
        json.writeStartObject();
        json.writeStringField(MessageDocuments.ID, MessageDocuments.id(message));
        json.writeStringField(MessageDocuments.TOKEN, message.token());
        json.writeStringField(MessageDocuments.CHAT, MessageDocuments.chatKey(message.token(), message.chatNumber()));
        json.writeNumberField(MessageDocuments.NUMBER, message.messageNumber());
        // Normalized as query words are, so that the whole-word clause compares like with like (reads take the body
        // from the store, never from here).
        json.writeStringField(MessageDocuments.BODY, QueryWords.normalized(message.body()));
        SequencedSet<String> bodyWords = words.bodyWords(message.body());
        json.writeArrayFieldStart(MessageDocuments.GRAMS);
        for (String value : WordGrams.fieldValues(bodyWords)) {
            json.writeString(value);
        }
        json.writeEndArray();
        json.writeStringField(MessageDocuments.PIECES, WordGrams.pieces(bodyWords));
        json.writeEndObject();
    }

    /**
     * Roughly the body's size for plain text, so that the buffer seldom grows: a document holds its body once, its
     * grams (about four characters per body character) and its pieces (up to five, fewer as they repeat); the action
     * and the document hold the token five times (in the id, the chat key and alone). Characters are counted, not
     * UTF-8 bytes: a body of long words in a three-byte script (Hangul) takes up to 2.7 times the estimate, which
     * keeps the largest bulk request ({@link #MAX_BYTES} estimated) far below Elasticsearch's 100 MB limit.
     */
    private static int estimatedSize(List<IndexedMessage> messages) {
        long size = 1;
        for (IndexedMessage message : messages) {
            size += estimatedSize(message);
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 16);
    }

    private static long estimatedSize(IndexedMessage message) {
        return 200 + 9L * message.body().length() + 5L * message.token().length();
    }

    /** Hands its array to the entity as is, without the copy {@link #toByteArray} makes. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        HttpEntity entity() {
            return new ByteArrayEntity(buf, 0, count, NDJSON);
        }
    }
}
