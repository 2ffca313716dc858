package dev.chatsystem.core.lucene;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.DelegatingAnalyzerWrapper;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;

/**
 * The analyzer of the index: {@code StandardAnalyzer} without stop words for the body (Elasticsearch's
 * {@code standard}), and a whitespace split for the precomputed grams and pieces; the grams' values (one per word) lie
 * {@value #GRAM_VALUE_GAP} positions apart like an Elasticsearch text field's array values, so that no phrase
 * spans two words.
 */
final class MessageAnalyzer extends DelegatingAnalyzerWrapper {
    static final int GRAM_VALUE_GAP = 100;

    private final Analyzer body = new StandardAnalyzer(CharArraySet.EMPTY_SET);
    private final Analyzer whitespace = new PrecomputedTermsAnalyzer();

    MessageAnalyzer() {
        super(PER_FIELD_REUSE_STRATEGY);
    }

    @Override
    protected Analyzer getWrappedAnalyzer(String fieldName) {
        return switch (fieldName) {
            case MessageDocuments.GRAMS, MessageDocuments.PIECES -> whitespace;
            default -> body;
        };
    }

    @Override
    public void close() {
        super.close();
        body.close();
        whitespace.close();
    }

    private static final class PrecomputedTermsAnalyzer extends Analyzer {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
            return new TokenStreamComponents(new WhitespaceTokenizer());
        }

        @Override
        public int getPositionIncrementGap(String fieldName) {
            return GRAM_VALUE_GAP;
        }
    }
}
