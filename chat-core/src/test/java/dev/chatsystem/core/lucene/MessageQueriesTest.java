package dev.chatsystem.core.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.chatsystem.core.search.QueryWords;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.util.automaton.ByteRunAutomaton;
import org.junit.jupiter.api.Test;

class MessageQueriesTest {

    /**
     * A query matching terms by an automaton (prefix, wildcard) enumerates the term dictionary of the whole index;
     * words of every length, one and two characters included, must match fixed terms only.
     */
    @Test
    void noQueryWordEnumeratesTheTermDictionary() {
        try (QueryWords words = new QueryWords()) {
            MessageQueries.Search search = new MessageQueries(words)
                    .build("token", 1, "a ab abc abcdefgh 中 \uD835\uDC00 \uD835\uDC00b")
                    .orElseThrow();
            TermsVisitor visitor = new TermsVisitor();
            search.ranked().visit(visitor);
            search.wholeWords().visit(visitor);

            assertThat(visitor.enumerating).isEmpty();
            assertThat(visitor.terms)
                    .contains(
                            new Term(MessageDocuments.PIECES, "^a"),
                            new Term(MessageDocuments.PIECES, "a"),
                            new Term(MessageDocuments.PIECES, "ab"),
                            new Term(MessageDocuments.PIECES, "中"),
                            new Term(MessageDocuments.PIECES, "\uD835\uDC00b"),
                            new Term(MessageDocuments.GRAMS, "^ab"),
                            new Term(MessageDocuments.GRAMS, "abc"));
        }
    }

    private static final class TermsVisitor extends QueryVisitor {
        final List<Term> terms = new ArrayList<>();
        final List<Query> enumerating = new ArrayList<>();

        @Override
        public void consumeTerms(Query query, Term... matched) {
            terms.addAll(List.of(matched));
        }

        @Override
        public void consumeTermsMatching(Query query, String field, Supplier<ByteRunAutomaton> automaton) {
            enumerating.add(query);
        }

        @Override
        public QueryVisitor getSubVisitor(Occur occur, Query parent) {
            return this;
        }
    }
}
