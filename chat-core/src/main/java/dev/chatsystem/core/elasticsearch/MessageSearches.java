package dev.chatsystem.core.elasticsearch;

import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.search.WordGrams;
import java.util.List;
import java.util.SequencedSet;

/**
 * Turns user text into a search request without query syntax, the same query the embedded Lucene index runs: the
 * text is analyzed client-side into {@link QueryWords}, and each word becomes a required clause matching it as a
 * whole word, a prefix or an infix. Prefixes and infixes are phrases over the word trigrams ({@link WordGrams});
 * only words too short for a trigram fall back to {@code prefix} and {@code wildcard} queries over the body's terms.
 *
 * <p>Every sub-clause is a {@code constant_score}, so a word contributes 4 + 2 + 1 when it matches a whole word,
 * 2 + 1 as a prefix and 1 as an infix: the ranking does not depend on term statistics, which differ between
 * shards. Ties go to the newer message.
 */
final class MessageSearches {
    private static final float EXACT = 4f;
    private static final float PREFIX = 2f;
    private static final float INFIX = 1f;

    private MessageSearches() {}

    /** The search for {@code words} (not empty) in one chat, routed to the chat's shard. */
    static SearchRequest request(String index, String token, long chatNumber, SequencedSet<String> words, int limit) {
        String chat = MessageDocuments.chatKey(token, chatNumber);
        return SearchRequest.of(s -> s.index(index)
                .routing(chat)
                .size(limit)
                .trackTotalHits(t -> t.enabled(false))
                // The number comes back as the second sort value, so nothing needs fetching.
                .source(src -> src.fetch(false))
                .query(q -> q.bool(b -> {
                    b.filter(f -> f.term(t -> t.field(MessageDocuments.CHAT).value(chat)));
                    for (String word : words) {
                        b.must(wordQuery(word));
                    }
                    return b;
                }))
                .sort(o -> o.score(sc -> sc.order(SortOrder.Desc)))
                .sort(o -> o.field(f -> f.field(MessageDocuments.NUMBER).order(SortOrder.Desc))));
    }

    private static Query wordQuery(String word) {
        Query exact = Query.of(q -> q.term(t -> t.field(MessageDocuments.BODY).value(word)));
        List<String> prefixGrams = WordGrams.prefixGrams(word);
        Query prefix = prefixGrams.isEmpty()
                ? Query.of(q -> q.prefix(p -> p.field(MessageDocuments.BODY).value(word)))
                : phrase(prefixGrams);
        List<String> infixGrams = WordGrams.infixGrams(word);
        Query infix = infixGrams.isEmpty()
                ? Query.of(q -> q.wildcard(w -> w.field(MessageDocuments.BODY).value(QueryWords.infixPattern(word))))
                : phrase(infixGrams);
        return Query.of(q -> q.bool(b -> b.should(constant(exact, EXACT))
                .should(constant(prefix, PREFIX))
                .should(constant(infix, INFIX))));
    }

    /** The grams in sequence; the field's whitespace analyzer splits them back exactly. */
    private static Query phrase(List<String> grams) {
        return Query.of(q -> q.matchPhrase(m -> m.field(MessageDocuments.GRAMS).query(String.join(" ", grams))));
    }

    private static Query constant(Query query, float score) {
        return Query.of(q -> q.constantScore(c -> c.filter(query).boost(score)));
    }
}
