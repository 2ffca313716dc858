package dev.chatsystem.core.lucene;

import dev.chatsystem.core.search.QueryWords;
import dev.chatsystem.core.search.WordGrams;
import dev.chatsystem.core.spi.IndexedMessage;
import java.util.Collection;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.Term;

/** The document layout: field names and how a message becomes a document. */
final class MessageDocuments {
    /** Unique key token/chat/message, the term {@code updateDocument} replaces by. */
    static final String ID = "id";
    /** The application token alone, for clearing one application. */
    static final String TOKEN = "token";
    /** token/chat, the filter every search applies. */
    static final String CHAT = "chat";
    /** The message number as doc values: the tie-break sort and what a search returns. */
    static final String NUMBER = "number";
    /** The analyzed body, normalized as query words are ({@link QueryWords#normalized}); not stored. */
    static final String WORDS = "words";
    /** The trigrams of each word of the body ({@link WordGrams}), for prefix and infix phrases. */
    static final String GRAMS = "grams";
    /** The one- and two-character pieces of each word of the body ({@link WordGrams#pieces}), for short words. */
    static final String PIECES = "pieces";

    /** Positions for phrases, no norms: every clause scores a constant. */
    private static final FieldType GRAMS_TYPE = gramsType();
    /** Single terms: no positions, no frequencies, no norms. */
    private static final FieldType PIECES_TYPE = piecesType();

    private MessageDocuments() {}

    /**
     * The document of {@code message}, whose body analyzes to the distinct {@code words}, written in {@code
     * generation} ({@link Generations}).
     */
    static Document toDocument(IndexedMessage message, Collection<String> words, long generation) {
        Document doc = new Document();
        doc.add(new NumericDocValuesField(Generations.FIELD, generation));
        doc.add(new StringField(ID, id(message), Field.Store.NO));
        doc.add(new StringField(TOKEN, message.token(), Field.Store.NO));
        doc.add(new StringField(CHAT, chatKey(message.token(), message.chatNumber()), Field.Store.NO));
        doc.add(new NumericDocValuesField(NUMBER, message.messageNumber()));
        doc.add(new TextField(WORDS, QueryWords.normalized(message.body()), Field.Store.NO));
        for (String grams : WordGrams.fieldValues(words)) {
            doc.add(new Field(GRAMS, grams, GRAMS_TYPE));
        }
        doc.add(new Field(PIECES, WordGrams.pieces(words), PIECES_TYPE));
        return doc;
    }

    private static FieldType piecesType() {
        FieldType type = new FieldType(TextField.TYPE_NOT_STORED);
        type.setIndexOptions(IndexOptions.DOCS);
        type.setOmitNorms(true);
        type.freeze();
        return type;
    }

    private static FieldType gramsType() {
        FieldType type = new FieldType(TextField.TYPE_NOT_STORED);
        type.setOmitNorms(true);
        type.freeze();
        return type;
    }

    static Term idTerm(IndexedMessage message) {
        return new Term(ID, id(message));
    }

    static Term tokenTerm(String token) {
        return new Term(TOKEN, token);
    }

    // Unambiguous although a token may contain '/': the numbers never do, so the last separators split uniquely.
    static Term chatTerm(String token, long chatNumber) {
        return new Term(CHAT, chatKey(token, chatNumber));
    }

    static String chatKey(String token, long chatNumber) {
        return token + "/" + chatNumber;
    }

    private static String id(IndexedMessage message) {
        return chatKey(message.token(), message.chatNumber()) + "/" + message.messageNumber();
    }
}
