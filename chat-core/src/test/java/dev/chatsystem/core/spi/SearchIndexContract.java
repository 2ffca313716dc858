package dev.chatsystem.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.chatsystem.core.InvalidInputException;
import dev.chatsystem.core.search.QueryWords;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every {@link SearchIndex} adapter must show, written against the port only. An adapter's test
 * extends this class and supplies a fresh, empty index.
 */
public abstract class SearchIndexContract {
    protected static final String APP = "app-token";
    protected static final String OTHER_APP = "other-token";
    protected static final long CHAT = 1;

    protected SearchIndex index;

    /** A new, empty index; closed by the suite after each test. */
    protected abstract SearchIndex newIndex();

    @BeforeEach
    void openIndex() {
        index = newIndex();
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    protected static IndexedMessage message(long number, String body) {
        return new IndexedMessage(APP, CHAT, number, body);
    }

    protected List<Long> search(String query) {
        return index.search(APP, CHAT, query, 100);
    }

    @Test
    void findsAWholeWord() {
        index.upsert(List.of(message(1, "What a wonderful day"), message(2, "nothing here")));

        assertThat(search("wonderful")).containsExactly(1L);
        assertThat(search("day")).containsExactly(1L);
    }

    @Test
    void findsAPrefix() {
        index.upsert(List.of(message(1, "What a wonderful day"), message(2, "nothing here")));

        assertThat(search("wond")).containsExactly(1L);
    }

    @Test
    void findsAnInfix() {
        index.upsert(List.of(message(1, "What a wonderful day"), message(2, "nothing here")));

        assertThat(search("onderf")).containsExactly(1L);
        assertThat(search("ful")).containsExactly(1L);
    }

    @Test
    void findsPrefixesAndInfixesTooShortForATrigram() {
        index.upsert(List.of(message(1, "wonderful xy"), message(2, "nothing here")));

        assertThat(search("w")).containsExactly(1L);
        assertThat(search("wo")).containsExactly(1L);
        assertThat(search("f")).containsExactly(1L);
        assertThat(search("nd")).containsExactly(1L);
        assertThat(search("y")).containsExactly(1L);
        assertThat(search("zq")).isEmpty();
    }

    @Test
    void findsAnInfixDeepInALongWord() {
        index.upsert(
                List.of(message(1, "pneumonoultramicroscopicsilicovolcanoconiosis"), message(2, "microscope silicon")));

        assertThat(search("microscopicsilicovolcano")).containsExactly(1L);
        assertThat(search("pneumonoultra")).containsExactly(1L);
        assertThat(search("microscop")).containsExactly(2L, 1L); // a prefix of 2, an infix of 1
        assertThat(search("microscopx")).isEmpty();
    }

    @Test
    void neverMatchesAcrossTwoWords() {
        index.upsert(List.of(message(1, "abc def"), message(2, "xyzab cdefg")));

        assertThat(search("cde")).containsExactly(2L);
        assertThat(search("bcde")).isEmpty();
        assertThat(search("abcd")).isEmpty();
        assertThat(search("cdef")).containsExactly(2L);
    }

    @Test
    void matchesPrefixesAndInfixesOfWordsBeyondTheBasicPlane() {
        // Mathematical letters: one word of code points outside the BMP, each two chars in Java.
        index.upsert(List.of(message(1, "x\uD835\uDC00\uD835\uDC01\uD835\uDC02\uD835\uDC03y"), message(2, "plain")));

        assertThat(search("\uD835\uDC01\uD835\uDC02\uD835\uDC03")).containsExactly(1L);
        assertThat(search("x\uD835\uDC00")).containsExactly(1L);
        assertThat(search("\uD835\uDC03y")).containsExactly(1L);
        assertThat(search("\uD835\uDC02")).containsExactly(1L);
        assertThat(search("\uD835\uDC01\uD835\uDC02")).containsExactly(1L);
        assertThat(search("\uD835\uDC01\uD835\uDC03")).isEmpty();
    }

    @Test
    void ranksWordsOfOneAndTwoCharactersWholeThenPrefixThenInfix() {
        index.upsert(List.of(
                message(1, "xab"), message(2, "abx"), message(3, "ab"), message(4, "b a"), message(5, "nothing")));

        assertThat(search("ab")).containsExactly(3L, 2L, 1L);
        assertThat(search("a")).containsExactly(4L, 3L, 2L, 1L);
        assertThat(search("x")).containsExactly(1L, 2L);
    }

    @Test
    void shortWordsNeverMatchAcrossTwoWords() {
        index.upsert(List.of(message(1, "ab cd"), message(2, "xbc")));

        assertThat(search("bc")).containsExactly(2L);
        assertThat(search("c")).containsExactly(1L, 2L);
        assertThat(search("dx")).isEmpty();
    }

    /**
     * The tokenizer makes each Chinese character and each hiragana a word of its own, but a run of katakana or of
     * Hangul one word: one or two of its characters are found inside it.
     */
    @Test
    void findsCharactersOfChineseJapaneseAndKoreanText() {
        index.upsert(List.of(
                message(1, "日本語を話します"),
                message(2, "我们说中文"),
                message(3, "コンピュータ"),
                message(4, "안녕하세요"),
                message(5, "plain")));

        assertThat(search("本")).containsExactly(1L);
        assertThat(search("中文")).containsExactly(2L);
        assertThat(search("日 中")).isEmpty();
        assertThat(search("ピ")).containsExactly(3L);
        assertThat(search("ピュ")).containsExactly(3L);
        assertThat(search("コ")).containsExactly(3L);
        assertThat(search("하세")).containsExactly(4L);
        assertThat(search("녕")).containsExactly(4L);
        assertThat(search("세하")).isEmpty();
    }

    @Test
    void ignoresCaseInQueryAndBody() {
        index.upsert(List.of(message(1, "wonderful"), message(2, "WONDERFUL DAY")));

        assertThat(search("WONDER")).containsExactlyInAnyOrder(1L, 2L);
        assertThat(search("day")).containsExactly(2L);
    }

    @Test
    void requiresEveryQueryWord() {
        index.upsert(
                List.of(message(1, "the quick brown fox"), message(2, "a quick dog"), message(3, "the fox sleeps")));

        assertThat(search("quick fox")).containsExactly(1L);
        assertThat(search("qui ox")).containsExactly(1L);
        assertThat(search("quick cat")).isEmpty();
    }

    @Test
    void searchesOnlyTheGivenChatOfTheGivenApplication() {
        index.upsert(List.of(
                message(1, "shared words"),
                new IndexedMessage(APP, 2, 1, "shared words"),
                new IndexedMessage(OTHER_APP, CHAT, 2, "shared words")));

        assertThat(search("shared")).containsExactly(1L);
        assertThat(index.search(APP, 2, "shared", 10)).containsExactly(1L);
        assertThat(index.search(OTHER_APP, CHAT, "shared", 10)).containsExactly(2L);
        assertThat(index.search(OTHER_APP, 2, "shared", 10)).isEmpty();
    }

    @Test
    void ranksWholeWordsAbovePrefixesAboveInfixes() {
        // Numbered against the ranking, so the newest-first tie-break alone would give the reverse order.
        index.upsert(List.of(message(1, "I wonder why"), message(2, "wonderful stuff"), message(3, "nowonderland")));

        assertThat(search("wonder")).containsExactly(1L, 2L, 3L);
    }

    /** Messages holding every word whole come first even when fewer than the page: then prefixes, then infixes. */
    @Test
    void fillsThePageWithWholeWordsThenPrefixesThenInfixes() {
        index.upsert(List.of(
                message(1, "cat"),
                message(2, "a cat"),
                message(3, "catalog"),
                message(4, "cats"),
                message(5, "concat"),
                message(6, "scatter"),
                message(7, "dog")));

        assertThat(index.search(APP, CHAT, "cat", 5)).containsExactly(2L, 1L, 4L, 3L, 6L);
        assertThat(index.search(APP, CHAT, "cat", 2)).containsExactly(2L, 1L);
        assertThat(index.search(APP, CHAT, "cat", 1)).containsExactly(2L);
    }

    /** Newer prefix and infix matches never displace whole-word matches from a page those fill. */
    @Test
    void aPageOfWholeWordsIgnoresNewerPartialMatches() {
        List<IndexedMessage> messages = new ArrayList<>();
        for (long n = 1; n <= 5; n++) {
            messages.add(message(n, "hello number " + n));
        }
        messages.add(message(6, "helloworld"));
        messages.add(message(7, "ohello"));
        messages.add(message(8, "hello and hello"));
        index.upsert(messages);

        assertThat(index.search(APP, CHAT, "hello", 3)).containsExactly(8L, 5L, 4L);
        assertThat(index.search(APP, CHAT, "hello number", 3)).containsExactly(5L, 4L, 3L);
        assertThat(index.search(APP, CHAT, "hello", 8)).containsExactly(8L, 5L, 4L, 3L, 2L, 1L, 6L, 7L);
    }

    /**
     * Whatever the limit, a page is the head of the full ranking: random chats of words that are prefixes and infixes
     * of each other, random one- and two-word queries, every limit up to past the matches (a limit past the matches
     * always runs the ranked query, which orders them all).
     */
    @Test
    void everyPageIsTheHeadOfTheFullRanking() {
        String[] vocabulary = {"cat", "cats", "catalog", "concat", "scatter", "at", "a", "bat", "batcat", "dog"};
        Random random = new Random(42);
        List<IndexedMessage> messages = new ArrayList<>();
        for (long n = 1; n <= 60; n++) {
            StringBuilder body = new StringBuilder();
            for (int w = random.nextInt(3) + 1; w > 0; w--) {
                body.append(vocabulary[random.nextInt(vocabulary.length)]).append(' ');
            }
            messages.add(message(n, body.toString().strip()));
        }
        index.upsert(messages);
        String[] queries = {"cat", "at", "a", "cats", "ca", "tal", "cat dog", "at cat", "bat cat", "dog", "scat"};
        for (String query : queries) {
            List<Long> all = index.search(APP, CHAT, query, 1000);
            for (int limit = 1; limit <= all.size() + 1; limit++) {
                assertThat(index.search(APP, CHAT, query, limit))
                        .as("%s, limit %d", query, limit)
                        .containsExactlyElementsOf(all.subList(0, Math.min(limit, all.size())));
            }
        }
    }

    @Test
    void ranksEqualMatchesNewestFirst() {
        index.upsert(List.of(message(5, "hello there"), message(9, "hello again"), message(7, "hello you")));

        assertThat(search("hello")).containsExactly(9L, 7L, 5L);
    }

    @Test
    void upsertReplacesAnEditedMessage() {
        index.upsert(List.of(message(1, "hello world")));
        index.upsert(List.of(message(1, "goodbye moon")));

        assertThat(search("hello")).isEmpty();
        assertThat(search("world")).isEmpty();
        assertThat(search("goodbye")).containsExactly(1L);
        assertThat(index.count()).isEqualTo(1);
    }

    @Test
    void upsertIsIdempotent() {
        List<IndexedMessage> batch = List.of(message(1, "hello world"), message(2, "hello again"));
        index.upsert(batch);
        index.upsert(batch);

        assertThat(search("hello")).containsExactly(2L, 1L);
        assertThat(index.count()).isEqualTo(2);
    }

    @Test
    void upsertOfNothingIsANoOp() {
        index.upsert(List.of());

        assertThat(index.count()).isZero();
    }

    @Test
    void respectsTheLimit() {
        index.upsert(LongStream.rangeClosed(1, 10)
                .mapToObj(n -> message(n, "same words " + n))
                .toList());

        assertThat(index.search(APP, CHAT, "same", 3)).containsExactly(10L, 9L, 8L);
        assertThat(index.search(APP, CHAT, "same", 0)).isEmpty();
    }

    @Test
    void aQueryWithoutWordsMatchesNothing() {
        index.upsert(List.of(message(1, "hello, world!"), message(2, "...")));

        assertThat(search("!!! ... ,,, ?")).isEmpty();
        assertThat(search("")).isEmpty();
        assertThat(search("   ")).isEmpty();
    }

    @Test
    void matchesUnicodeWords() {
        index.upsert(List.of(message(1, "Über alles"), message(2, "日本語を話します"), message(3, "plain")));

        assertThat(search("über")).containsExactly(1L);
        assertThat(search("ÜBER")).containsExactly(1L);
        assertThat(search("日本語")).containsExactly(2L);
    }

    /** A phone's typographic apostrophe and an accent typed as a combining mark find the plain spellings, both ways. */
    @Test
    void matchesWordsHoweverTheirApostrophesAndAccentsWereTyped() {
        index.upsert(List.of(
                message(1, "I don\u2019t know"),
                message(2, "we can't stay"),
                message(3, "meet at the cafe\u0301 tonight"),
                message(4, "the caf\u00e9 downstairs")));

        assertThat(search("don't")).containsExactly(1L);
        assertThat(search("can\u2019t")).containsExactly(2L);
        assertThat(search("caf\u00e9")).containsExactlyInAnyOrder(3L, 4L);
        assertThat(search("cafe\u0301")).containsExactlyInAnyOrder(3L, 4L);
    }

    /** The whole-word clause compares normalized words too: an exact word still ranks above a longer one. */
    @Test
    void aNormalizedWordStillMatchesAsAWholeWord() {
        index.upsert(List.of(message(1, "I don\u2019t"), message(2, "don'ts and dos"), message(3, "x e\u0301 y")));

        assertThat(search("don\u2019t")).containsExactly(1L, 2L);
        assertThat(search("e\u0301")).contains(3L);
    }

    static Stream<String> hostileQueries() {
        List<String> queries = new ArrayList<>(List.of(
                "\"",
                "(",
                ")",
                "[",
                "]",
                "\\",
                "*",
                "?",
                "~",
                ":",
                "^",
                "/",
                "{}",
                "a*b",
                "\"unterminated",
                "AND",
                "OR NOT",
                "+-&&||!",
                "über",
                "日本語",
                "😀",
                "emoji 🎉 party",
                "a\\*b?c",
                "field:value",
                "a~2",
                "/regex.*/"));
        queries.add("x".repeat(10_000));
        queries.add("word ".repeat(2_000));
        return queries.stream();
    }

    /** The red heart phones send (❤ and a variation selector) and the plain one find each other, as whole words. */
    @Test
    void findsAnEmojiWhateverItsVariationSelector() {
        index.upsert(List.of(message(1, "I \u2764 you"), message(2, "I \u2764\uFE0F you"), message(3, "no hearts")));

        assertThat(search("\u2764\uFE0F")).containsExactlyInAnyOrder(1L, 2L);
        assertThat(search("\u2764")).containsExactlyInAnyOrder(1L, 2L);
    }

    /** Lower-casing one character at a time folds neither the final sigma nor ß: the normalization does. */
    @Test
    void findsWordsWhateverTheirFinalSigmaOrSharpS() {
        index.upsert(List.of(message(1, "φως"), message(2, "STRASSE"), message(3, "Großes Fest")));

        assertThat(search("ΦΩΣ")).containsExactly(1L);
        assertThat(search("φωσ")).containsExactly(1L);
        assertThat(search("straße")).containsExactly(2L);
        assertThat(search("GROSS")).containsExactly(3L);
        assertThat(search("größ")).isEmpty(); // the umlaut is a letter of its own
        assertThat(search("groß")).containsExactly(3L);
    }

    /** Letters whose case pair lower-casing one character at a time misses find each other, in either spelling. */
    @Test
    void findsWordsWhateverTheirCaseFolding() {
        index.upsert(List.of(
                message(1, "KIŞ GELDİ"),
                message(2, "kış geldi"),
                message(3, "tolerance 5\u00B5m"),
                message(4, "tolerance 5\u03BCm"),
                message(5, "\u017Ftop here"),
                message(6, "STOP"),
                message(7, "\u03D5\u03C9\u03C2"),
                message(8, "\u1C82\u1C83\u1C84")));

        for (String query : List.of("kış", "KIŞ", "kiş", "geldi", "GELDİ", "kış geldi", "KIŞ GELDİ", "iş", "Ş")) {
            assertThat(search(query)).as(query).containsExactlyInAnyOrder(1L, 2L);
        }
        for (String query : List.of("5\u00B5m", "5\u03BCm", "5\u039CM", "\u00B5m", "\u03BC")) {
            assertThat(search(query)).as(query).containsExactlyInAnyOrder(3L, 4L);
        }
        for (String query : List.of("STOP", "stop", "\u017Ftop", "\u017Ft", "\u017F")) {
            assertThat(search(query)).as(query).contains(5L, 6L);
        }
        assertThat(search("ΦΩΣ")).containsExactly(7L);
        assertThat(search("φως")).containsExactly(7L);
        assertThat(search("\u043E\u0441\u0442")).containsExactly(8L);
        assertThat(search("\u041E\u0421\u0422")).containsExactly(8L);
        assertThat(search("\u1C82\u1C83\u1C84")).containsExactly(8L);
    }

    /** Full-width ASCII and the Latin ligatures find their plain letters, and the plain letters find them. */
    @Test
    void findsFullWidthLettersAndLigaturesAsTheirPlainLetters() {
        index.upsert(List.of(
                message(1, "Ｗｉｆｉ ｐａｓｓｗｏｒｄ？"),
                message(2, "the wifi password"),
                message(3, "the \uFB01le is in the o\uFB03ce"),
                message(4, "FILE OFFICE")));

        for (String query : List.of("wifi", "WIFI", "Ｗｉｆｉ", "ｗｉｆ", "ifi", "ＩＦＩ", "wifi password")) {
            assertThat(search(query)).as(query).containsExactlyInAnyOrder(1L, 2L);
        }
        for (String query : List.of("file", "\uFB01le", "\uFB01l", "FILE", "ｆｉｌｅ", "ffi", "o\uFB03ce", "\uFB03")) {
            assertThat(search(query)).as(query).containsExactlyInAnyOrder(3L, 4L);
        }
    }

    /** Invisible format characters, in a body or in a query copied from a right-to-left UI, are no part of words. */
    @Test
    void findsWordsWhateverInvisibleCharactersTheyHold() {
        index.upsert(List.of(
                message(1, "a wonder\u00ADful day"),
                message(2, "שלום"),
                message(3, "\uFEFFwonder"),
                message(4, "sun\u200Bflower")));

        assertThat(search("wonderful")).containsExactly(1L);
        assertThat(search("onderf")).containsExactly(1L);
        assertThat(search("sunflower")).isEmpty(); // a zero width space separates two words
        assertThat(search("שלום\u200F")).containsExactly(2L);
        assertThat(search("\u202Bשלום\u202C")).containsExactly(2L);
    }

    /**
     * The narrow no-break space, which French puts before "? ! : ; »", separates words as the other spaces do: "va"
     * is a whole word of "ça va\u202F?" as of "ça va?".
     */
    @Test
    void theNarrowNoBreakSpaceSeparatesWords() {
        index.upsert(List.of(message(1, "ça va\u202F?"), message(2, "ça va?"), message(3, "vague")));

        assertThat(search("va")).containsExactly(2L, 1L, 3L);
        assertThat(search("ça\u202Fva")).containsExactly(2L, 1L);
        assertThat(search("va\u202F?")).containsExactly(2L, 1L, 3L);
    }

    /** A combining grapheme joiner or a Mongolian free variation selector inside a word is no part of it. */
    @Test
    void findsWordsWhateverInvisibleMarksTheyHold() {
        index.upsert(List.of(
                message(1, "a wonder\u034Fful day"),
                message(2, "\u1820\u180B\u1821"),
                message(3, "\u1820\u180F\u1821"),
                message(4, "\u1820\u1821")));

        assertThat(search("wonderful")).containsExactly(1L);
        assertThat(search("wonder\u034Fful")).containsExactly(1L);
        assertThat(search("\u1820\u1821")).containsExactly(4L, 3L, 2L);
        assertThat(search("\u1820\u180C\u1821")).containsExactly(4L, 3L, 2L);
    }

    /** Subdivision flags are a black flag and tag characters: each is an emoji of its own, found only by itself. */
    @Test
    void findsASubdivisionFlagOnlyByItself() {
        String scotland = flag("gbsct");
        String england = flag("gbeng");
        index.upsert(List.of(message(1, "go " + scotland), message(2, "go " + england), message(3, "go \uD83C\uDFF4")));

        assertThat(search(scotland)).containsExactly(1L);
        assertThat(search(england)).containsExactly(2L);
        assertThat(search(flag("gbwls"))).isEmpty();
        assertThat(search("\uD83C\uDFF4")).containsExactly(3L, 2L, 1L); // the black flag, whole, then as a prefix
    }

    /** The black flag, the tag characters spelling {@code region} and the cancel tag. */
    private static String flag(String region) {
        StringBuilder flag = new StringBuilder("\uD83C\uDFF4");
        region.chars().forEach(c -> flag.appendCodePoint(0xE0000 + c));
        return flag.appendCodePoint(0xE007F).toString();
    }

    /**
     * The tokenizer drops symbols, superscripts, subscripts and circled digits from words, in queries and messages
     * alike: "m²" is the query "m", "H₂O" the words "h" and "o", "c++" the word "c", and "①" no word at all.
     */
    @Test
    void symbolsSuperscriptsAndCircledDigitsAreNoPartOfWords() {
        index.upsert(List.of(
                message(1, "m2"),
                message(2, "m\u00B2"),
                message(3, "H\u2082O"),
                message(4, "c++"),
                message(5, "\u2460 \u00BD \u2103 \u338F #")));

        assertThat(search("m\u00B2")).containsExactly(2L, 1L).isEqualTo(search("m"));
        assertThat(search("m2")).containsExactly(1L);
        assertThat(search("H\u2082O")).containsExactly(3L).isEqualTo(search("h o"));
        assertThat(search("c++")).containsExactly(4L).isEqualTo(search("c"));
        assertThat(search("\u2460")).isEmpty();
        assertThat(search("1")).isEmpty();
        assertThat(index.count()).isEqualTo(5);
    }

    /** Lower-cased before composing, a capital with a mark, or the dotted capital I, matches its lower case. */
    @Test
    void findsLettersWithMarksAndTheDottedIInEitherCase() {
        index.upsert(List.of(
                message(1, "\u01F0"),
                message(2, "J\u030C"),
                message(3, "İstanbul"),
                message(4, "i\u0307stanbul"),
                message(5, "istanbul"),
                message(6, "\u03B0"),
                message(7, "\u03AB\u0301")));

        assertThat(search("J\u030C")).containsExactlyInAnyOrder(1L, 2L);
        assertThat(search("\u01F0")).containsExactlyInAnyOrder(1L, 2L);
        assertThat(search("İstanbul")).containsExactlyInAnyOrder(3L, 4L, 5L);
        assertThat(search("i\u0307stanbul")).containsExactlyInAnyOrder(3L, 4L, 5L);
        assertThat(search("istanbul")).containsExactlyInAnyOrder(3L, 4L, 5L);
        assertThat(search("i\u0307stan")).containsExactlyInAnyOrder(3L, 4L, 5L);
        assertThat(search("\u03AB\u0301")).containsExactlyInAnyOrder(6L, 7L);
        assertThat(search("\u03B0")).containsExactlyInAnyOrder(6L, 7L);
    }

    @Test
    void refusesAQueryOfMoreWordsThanTheCap() {
        String cap =
                IntStream.range(0, QueryWords.MAX_WORDS).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
        index.upsert(List.of(message(1, cap)));

        assertThat(search(cap)).containsExactly(1L);
        assertThat(search(cap + " w0")).containsExactly(1L); // a repeated word counts once
        assertThatThrownBy(() -> search(cap + " w" + QueryWords.MAX_WORDS))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at most " + QueryWords.MAX_WORDS);
    }

    @Test
    void refusesAQueryWordLongerThanTheCap() {
        String longest = "a".repeat(QueryWords.MAX_WORD_LENGTH);
        index.upsert(List.of(message(1, longest + "b")));

        assertThat(search(longest)).containsExactly(1L);
        // Cut to the cap, it would have matched a message without the word asked for.
        assertThatThrownBy(() -> search(longest + "c"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("at most " + QueryWords.MAX_WORD_LENGTH + " characters");
    }

    @ParameterizedTest
    @MethodSource("hostileQueries")
    void anyQueryTextIsSafe(String query) {
        index.upsert(List.of(message(1, "a*b and (brackets) [x] {y} über 日本語 😀 field:value OR NOT")));

        // Answered, or refused as input (too many or too long words: a 400), never failed.
        Throwable thrown = catchThrowable(() -> search(query));
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(InvalidInputException.class);
        }
    }

    @Test
    void clearsEverything() {
        index.upsert(List.of(message(1, "hello"), new IndexedMessage(OTHER_APP, CHAT, 1, "hello")));

        index.clear(Optional.empty());

        assertThat(index.count()).isZero();
        assertThat(search("hello")).isEmpty();
    }

    @Test
    void clearsOneApplication() {
        index.upsert(List.of(message(1, "hello"), new IndexedMessage(OTHER_APP, CHAT, 1, "hello")));

        index.clear(Optional.of(APP));

        assertThat(index.count()).isEqualTo(1);
        assertThat(search("hello")).isEmpty();
        assertThat(index.search(OTHER_APP, CHAT, "hello", 10)).containsExactly(1L);
    }

    @Test
    void aCompletedRebuildHoldsWhatItWasGivenAndWhatWasIndexedMeanwhile() {
        index.upsert(List.of(
                new IndexedMessage(APP, CHAT, 1, "kept", 5),
                new IndexedMessage(APP, CHAT, 2, "orphan no longer stored", 5),
                new IndexedMessage(APP, CHAT, 3, "edited", 5)));

        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(
                    new IndexedMessage(APP, CHAT, 1, "kept", 5), new IndexedMessage(APP, CHAT, 3, "edited", 5)));
            index.upsert(List.of(new IndexedMessage(APP, CHAT, 3, "edited again", 9))); // a worker, meanwhile
            index.upsert(List.of(new IndexedMessage(APP, CHAT, 4, "created meanwhile", 9)));
            assertThat(search("orphan")).containsExactly(2L); // searches still find what was there
            rebuild.complete();
        }

        assertThat(search("kept")).containsExactly(1L);
        assertThat(search("orphan")).isEmpty();
        assertThat(search("again")).containsExactly(3L);
        assertThat(search("meanwhile")).containsExactly(4L);
        assertThat(index.count()).isEqualTo(3);
    }

    @Test
    void anAbandonedRebuildLeavesEveryMessageSearchable() {
        index.upsert(List.of(message(1, "first"), message(2, "second")));

        try (IndexRebuild rebuild = index.startRebuild()) {
            rebuild.upsert(List.of(message(1, "first")));
        } // failed before it completed

        assertThat(search("first")).containsExactly(1L);
        assertThat(search("second")).containsExactly(2L);
        index.upsert(List.of(message(3, "third")));
        assertThat(search("third")).containsExactly(3L);
    }

    @Test
    void countsDocuments() {
        assertThat(index.count()).isZero();

        index.upsert(List.of(message(1, "a"), message(2, "b"), new IndexedMessage(APP, 2, 1, "c")));

        assertThat(index.count()).isEqualTo(3);
    }

    @Test
    void reportsHealth() {
        assertThat(index.health().up()).isTrue();
        assertThat(index.health().name()).isEqualTo("search");
    }
}
