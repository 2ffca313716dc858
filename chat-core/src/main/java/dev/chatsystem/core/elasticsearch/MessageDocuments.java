package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch._types.mapping.IndexOptions;
import co.elastic.clients.elasticsearch._types.mapping.TypeMapping;
import co.elastic.clients.json.JsonData;
import dev.chatsystem.core.search.WordGrams;
import dev.chatsystem.core.spi.IndexedMessage;

/**
 * The index layout: field names, the mapping, a message's document id and where it is routed. {@link BulkBody}
 * writes the documents.
 */
final class MessageDocuments {
    /** Unique key token/chat/message, also the document {@code _id}. */
    static final String ID = "id";
    /** The application token alone, for clearing one application. */
    static final String TOKEN = "token";
    /** token/chat, the filter every search applies and the routing key. */
    static final String CHAT = "chat";
    /** The message number: the tie-break sort and what a search returns. */
    static final String NUMBER = "number";
    /** The analyzed body; the store holds the text, but _source keeps it too so the index can be inspected. */
    static final String BODY = "body";
    /** The trigrams of each word of the body ({@link WordGrams}), one value per word, for prefix and infix phrases. */
    static final String GRAMS = "grams";
    /** The one- and two-character pieces of the body's words ({@link WordGrams#pieces}), for short query words. */
    static final String PIECES = "pieces";

    /** The mapping's {@code _meta} entry holding the {@link #LAYOUT} of the index's documents. */
    static final String LAYOUT_KEY = "chat_layout";

    /**
     * What a document holds, recorded in the mapping's {@code _meta} by whoever created the index or last rebuilt it
     * in full. Version 2 added the {@link #PIECES} (indexes written before have no entry), version 3 removed format
     * characters and lower-cased before composing ({@link dev.chatsystem.core.search.QueryWords#normalized}), version
     * 4 removed variation selectors and folded the case pairs lower-casing misses (ı, µ, ſ...), full-width ASCII and
     * the Latin ligatures, version 5 read the narrow no-break space as a space, removed the combining grapheme joiner
     * and the Mongolian variation selectors and kept a subdivision flag's tags. The embedded form with Elasticsearch
     * records its own in the data dir ({@code MarkedSearchIndex.LAYOUT}): raise both together.
     */
    static final String LAYOUT = "5";

    private MessageDocuments() {}

    static String id(IndexedMessage message) {
        return chatKey(message.token(), message.chatNumber()) + "/" + message.messageNumber();
    }

    /**
     * token/chat: the chat filter and the routing of every request, so that one chat lives on, and a search
     * touches, a single shard. Unambiguous although a token may contain '/': the numbers never do.
     */
    static String chatKey(String token, long chatNumber) {
        return token + "/" + chatNumber;
    }

    /**
     * Keywords for the keys, a long for the number, the {@code standard} analyzer (no stop words) for text and the
     * {@code whitespace} analyzer for the precomputed grams, whose values (one per word) text fields keep 100
     * positions apart ({@code position_increment_gap}), so that no phrase spans two words, and for the pieces, which
     * need neither positions nor frequencies. Both analyzers are built in, so the minimal distribution without
     * {@code analysis-common} serves this mapping too.
     */
    static TypeMapping mapping() {
        return TypeMapping.of(m -> m.dynamic(DynamicMapping.Strict)
                .meta(LAYOUT_KEY, JsonData.of(LAYOUT))
                .properties(ID, p -> p.keyword(k -> k))
                .properties(TOKEN, p -> p.keyword(k -> k))
                .properties(CHAT, p -> p.keyword(k -> k))
                .properties(NUMBER, p -> p.long_(l -> l))
                .properties(BODY, p -> p.text(t -> t.analyzer("standard")))
                .properties(GRAMS, p -> p.text(t -> t.analyzer("whitespace").norms(false)))
                .properties(
                        PIECES,
                        p -> p.text(t -> t.analyzer("whitespace").norms(false).indexOptions(IndexOptions.Docs))));
    }
}
