package dev.chatsystem.core.search;

import java.text.Normalizer;

/**
 * The steps of {@link QueryWords#normalized}. It runs on every indexed body, so each step first scans for something
 * to change and returns its input itself when there is nothing, as in most text.
 */
final class WordNormalization {
    private static final char ZERO_WIDTH_SPACE = '\u200B';
    private static final char NARROW_NO_BREAK_SPACE = '\u202F';
    private static final char COMBINING_DOT_ABOVE = '\u0307';
    /** The black flag, which tag characters after it make a subdivision's flag (🏴 g b s c t, cancel tag: Scotland). */
    private static final int BLACK_FLAG = 0x1F3F4;
    /** The tag characters: format characters, invisible by themselves. */
    private static final int TAG_FIRST = 0xE0020, TAG_LAST = 0xE007F;
    /** The full-width forms of ASCII's printable characters, "！" to "～", each this far from its own. */
    private static final int FULL_WIDTH_FIRST = 0xFF01, FULL_WIDTH_LAST = 0xFF5E, FULL_WIDTH_OFFSET = 0xFEE0;

    private WordNormalization() {}

    static String normalized(String text) {
        String composed = composed(replaced(text));
        if (lowerCasingComposes(composed)) {
            // Replaced again: "İ\u0307" lower-cases to "i\u0307".
            composed = composed(replaced(lowerCased(composed)));
        }
        return composed;
    }

    private static String replaced(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (replacement(text.codePointAt(i), i == 0 ? 0 : text.codePointBefore(i)) != null) {
                return replaced(text, i);
            }
        }
        return text;
    }

    /** {@code text} with each {@link #replacement}, the first of them at {@code from}. */
    private static String replaced(String text, int from) {
        StringBuilder out = new StringBuilder(text.length() + 8).append(text, 0, from);
        for (int i = from; i < text.length(); ) {
            int c = text.codePointAt(i);
            String replacement = replacement(c, out.isEmpty() ? 0 : out.codePointBefore(out.length()));
            if (replacement == null) {
                out.appendCodePoint(c);
            } else {
                out.append(replacement);
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    /**
     * What replaces code point {@code c} after the code point {@code before}, or null to keep it: the typographic
     * apostrophes phones type become the ASCII one; the letters that lower-casing one character at a time (what the
     * analyzers do) cannot fold become their {@linkplain #caseFolded simple case folding} (ß and ẞ, whose folding
     * is two letters, ss); the full-width forms of ASCII (U+FF01-FF5E, which Chinese, Japanese and Korean input
     * methods type) become ASCII, so that "Ｗｉｆｉ" is "wifi", and the Latin ligatures U+FB00-FB06 their letters
     * (ﬁ fi, ﬅ and ﬆ st), so that "ﬁle" is "file"; and what a reader cannot see but the tokenizer would keep inside
     * a word goes: format characters (general category Cf: soft hyphen, bidi marks and controls, word joiner,
     * BOM...) and a second dot on an i ("i\u0307" is what {@code String.toLowerCase} makes of "İ", which the
     * analyzers lower-case to "i"). Replaced before composing, so that a mark after them composes with what they
     * leave ("ſ\u0307" is "ṡ", as "ẛ" is; "ｅ\u0301" is "é").
     *
     * <p>The zero width joiner goes too: in words it only chooses how letters are drawn (an Indic half form, a
     * Sinhala conjunct), never which letters they are, so spellings with and without it must match. The only token it
     * holds together is an emoji sequence (man, joiner, woman: a couple), which becomes its emoji, each a token, as its
     * query does too. Variation selectors go for the same reason: they choose how a character is drawn (❤️, the red
     * heart phones send, is ❤ and U+FE0F), and "❤️" must find "❤"; so do the Mongolian ones and the combining grapheme
     * joiner ({@link #isInvisibleMark}), which are marks, not format characters. Tag characters stay in a run after the
     * black flag: they spell which subdivision's flag it is, which the tokenizer keeps as one emoji, and removing them
     * would make Scotland's, England's and Wales's flags all the black flag, each found by the others as a whole word.
     * The zero width space stays: the tokenizer ends a word there (it separates the words of Thai or Khmer text), so it
     * never is inside one, and removing it would join two words. The narrow no-break space becomes a space: the
     * word-break rules keep it inside a word (Mongolian writes it before a suffix), but French puts it before "? ! : ;
     * »" and between thousands, where "va\u202F?" must be the word "va", as with the other no-break spaces, U+00A0 and
     * U+2007, which the tokenizer already takes for spaces. A Mongolian stem and its suffix are then two words, which a
     * query of both still finds.
     *
     * <p>Only these compatibility forms are folded, not all of NFKC, which would also make "m²" "m2" and "①" "1",
     * characters that mean something else and that the tokenizer drops from words (the half-width katakana, "ｶ" for
     * "カ", are left as typed too). A
     * ligature (like ß) makes the text longer, which nothing minds: searches never report positions in a body, and a
     * query's words are held to their caps as compared (see {@link QueryWords#words}).
     */
    private static String replacement(int c, int before) {
        if (c < 0x80) {
            return null; // ASCII, most text: no apostrophe, format character or letter to fold
        }
        return switch (c) {
            case '\u2019', '\u2018', '\u02BC' -> "'";
            case '\u00DF', '\u1E9E' -> "ss"; // sharp s, small and capital
            case '\uFB00' -> "ff"; // the Latin ligatures, which PDFs and typesetting leave in copied text
            case '\uFB01' -> "fi";
            case '\uFB02' -> "fl";
            case '\uFB03' -> "ffi";
            case '\uFB04' -> "ffl";
            case '\uFB05', '\uFB06' -> "st";
            case COMBINING_DOT_ABOVE -> before == 'i' ? "" : null;
            case ZERO_WIDTH_SPACE -> null;
            case NARROW_NO_BREAK_SPACE -> " ";
            default -> {
                if (Character.getType(c) == Character.FORMAT || isInvisibleMark(c)) {
                    yield isTag(c) && (before == BLACK_FLAG || isTag(before)) ? null : "";
                }
                if (c >= FULL_WIDTH_FIRST && c <= FULL_WIDTH_LAST) {
                    yield Character.toString(c - FULL_WIDTH_OFFSET);
                }
                int folded = caseFolded(c);
                yield folded == c ? null : Character.toString(folded);
            }
        };
    }

    /**
     * The lower case of {@code c}'s upper case where that differs from its lower case, else {@code c} itself: the
     * simple case folding of the letters whose case pair lower-casing one character at a time misses, which
     * {@code String.equalsIgnoreCase} finds. The final sigma ς is σ (so that "ΦΩΣ" finds "φως"), the dotless ı is i
     * (so that "KIŞ" finds "kış"; the dotted İ already lower-cases to i), the micro sign µ is the Greek μ, the long
     * ſ is s, the Greek symbol forms ϐ ϑ ϕ ϖ ϰ ϱ ϵ are β θ φ π κ ρ ε, ẛ is ṡ and the old Cyrillic forms U+1C80-1C88
     * are в д о с т т ъ ѣ ꙋ. Like ß as ss, this gives up telling ı from i, which only Turkish and Azeri do, so that
     * their capitals (which Unicode, without a language, writes as I) find them.
     *
     * <p>A mark keeps its own: the iota subscript U+0345 folds to ι, which would part "α\u0345" from "ᾳ", the
     * letter it composes. Every folding is a lower-case letter that folds to itself, is composed (NFC) and
     * composes with nothing before it ({@code WordNormalizationTest} checks all of Unicode).
     */
    private static int caseFolded(int c) {
        int folded = Character.toLowerCase(Character.toUpperCase(c));
        return folded == Character.toLowerCase(c) || isMark(c) ? c : folded;
    }

    private static boolean isTag(int c) {
        return c >= TAG_FIRST && c <= TAG_LAST;
    }

    /**
     * The variation selectors, the Mongolian free variation selectors (U+180B-180D, U+180F) and the combining
     * grapheme joiner (U+034F, which only keeps marks from being reordered): marks (Mn), not format characters,
     * that show nothing and that the tokenizer keeps inside a word.
     */
    private static boolean isInvisibleMark(int c) {
        return (c >= 0xFE00 && c <= 0xFE0F)
                || (c >= 0xE0100 && c <= 0xE01EF)
                || (c >= 0x180B && c <= 0x180D)
                || c == 0x180F
                || c == 0x034F;
    }

    /** {@code text} composed (NFC), so that an accent typed as a combining mark matches the precomposed letter. */
    private static String composed(String text) {
        return Normalizer.isNormalized(text, Normalizer.Form.NFC)
                ? text
                : Normalizer.normalize(text, Normalizer.Form.NFC);
    }

    /**
     * Whether lower-casing {@code composed} one code point at a time, as the analyzers do, would leave a letter and a
     * mark that compose: "J\u030C" becomes "j\u030C", which is "ǰ" composed (ǰ has no capital, nor have ΐ and ΰ).
     * Only a letter that changes case followed by a mark can: a lower-cased letter is composed by itself and never
     * composes with what precedes it ({@code QueryWordsTest} checks both over all of Unicode).
     */
    private static boolean lowerCasingComposes(String composed) {
        for (int i = 0; i < composed.length(); ) {
            int letter = composed.codePointAt(i);
            i += Character.charCount(letter);
            if (i < composed.length() && isMark(composed.codePointAt(i)) && Character.toLowerCase(letter) != letter) {
                return true;
            }
        }
        return false;
    }

    private static boolean isMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK
                || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** Lower-cased one code point at a time: the analyzers' mapping, which then changes nothing. */
    private static String lowerCased(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(Character.toLowerCase(c)));
        return out.toString();
    }
}
