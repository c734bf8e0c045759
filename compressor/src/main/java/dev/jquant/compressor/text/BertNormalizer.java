package dev.jquant.compressor.text;

import java.text.Normalizer;
import java.util.Locale;

/**
 * HuggingFace's {@code BertNormalizer}: drop control characters and map whitespace to spaces, put
 * spaces around CJK ideographs (so each becomes a word), strip accents, lowercase. Character classes
 * follow the Rust implementation, e.g. whitespace is Unicode's White_Space property, not
 * {@link Character#isWhitespace}, which excludes no-break spaces.
 */
record BertNormalizer(boolean cleanText, boolean handleChineseChars, boolean stripAccents, boolean lowercase) {

    String normalize(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            if (cleanText && (cp == 0 || cp == 0xFFFD || isControl(cp))) {
                return;
            }
            if (cleanText && isWhitespace(cp)) {
                out.append(' ');
            } else if (handleChineseChars && isCjk(cp)) {
                out.append(' ').appendCodePoint(cp).append(' ');
            } else {
                out.appendCodePoint(cp);
            }
        });
        String s = out.toString();
        if (stripAccents) {
            s = Normalizer.normalize(s, Normalizer.Form.NFD).codePoints()
                    .filter(cp -> Character.getType(cp) != Character.NON_SPACING_MARK)
                    .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        }
        if (lowercase) {
            // Per code point, as the Rust normalizer does: no context rules such as the final sigma.
            StringBuilder lower = new StringBuilder(s.length());
            s.codePoints().forEach(cp -> lower.append(Character.toString(cp).toLowerCase(Locale.ROOT)));
            s = lower.toString();
        }
        return s;
    }

    /** Unicode White_Space: the space separators plus TAB, LF, VT, FF, CR and NEL. */
    static boolean isWhitespace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || Character.isSpaceChar(cp);
    }

    /** General category C* other than TAB, LF and CR, which count as whitespace. */
    private static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }

    /** The CJK Unified Ideographs blocks BERT treats as one word per character (not kana or hangul). */
    private static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
