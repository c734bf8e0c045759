package dev.jquant.compressor.text;

import java.util.ArrayList;
import java.util.List;

/**
 * HuggingFace's {@code BertPreTokenizer}: splits normalized text into words at whitespace (dropped)
 * and around punctuation (each punctuation character becomes a word of its own). Punctuation is
 * Unicode's P* categories plus all ASCII punctuation, which includes symbols such as {@code $} and {@code +}.
 */
final class BertPreTokenizer {

    private BertPreTokenizer() {
    }

    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (BertNormalizer.isWhitespace(cp) || isPunctuation(cp)) {
                if (!word.isEmpty()) {
                    words.add(word.toString());
                    word.setLength(0);
                }
                if (!BertNormalizer.isWhitespace(cp)) {
                    words.add(Character.toString(cp));
                }
            } else {
                word.appendCodePoint(cp);
            }
        });
        if (!word.isEmpty()) {
            words.add(word.toString());
        }
        return words;
    }

    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }
}
