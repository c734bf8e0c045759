package dev.jquant.compressor.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.jquant.runtime.DType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the real all-MiniLM-L6-v2 tokenizer.json (BERT uncased vocabulary). */
class WordPieceTokenizerTest {

    private static final String RESOURCE = "/all-minilm-l6-v2-tokenizer.json";
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(RESOURCE)) {
            tokenizer = WordPieceTokenizer.load(in, RESOURCE);
        }
    }

    /** The ids of the given vocabulary entries, looked up by their strings. */
    private static long[] ids(String... tokens) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            ids[i] = tokenizer.tokenId(tokens[i]);
        }
        return ids;
    }

    @Test
    void readsVocabularyAndSettingsFromTheFile() {
        assertEquals(30522, tokenizer.vocabularySize());
        assertEquals(128, tokenizer.maxLength());
    }

    @Test
    void splitsWordsGreedilyLongestMatchFirst() {
        assertEquals(List.of("una", "##ffa", "##ble"), tokenizer.tokenize("unaffable"));
        assertEquals(List.of("token", "##ization"), tokenizer.tokenize("tokenization"));
    }

    @Test
    void wrapsTextInClsAndSep() {
        assertArrayEquals(ids("[CLS]", "hello", ",", "world", "!", "[SEP]"), tokenizer.encode("Hello, World!"));
        assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102}, tokenizer.encode("Hello, World!"));
    }

    @Test
    void lowercasesAndStripsAccents() {
        assertEquals(List.of("cafe", "naive"), tokenizer.tokenize("Café NAÏVE"));
    }

    @Test
    void splitsPunctuationIncludingAsciiSymbolsAndUnicodeQuotes() {
        assertEquals(List.of("don", "'", "t"), tokenizer.tokenize("don't"));
        assertEquals(List.of("$", "500"), tokenizer.tokenize("$500"));
        assertEquals(List.of("“", "quoted", "”"), tokenizer.tokenize("“quoted”"));
    }

    @Test
    void cleansControlCharactersAndUnicodeWhitespace() {
        // NUL and a zero-width space (format character) vanish; a no-break space separates words.
        assertEquals(List.of("hello", "world", "!"), tokenizer.tokenize("hel\u0000lo\u00A0wor\u200Bld\t!"));
    }

    @Test
    void putsEachCjkIdeographInAWordOfItsOwn() {
        // 東 is in the vocabulary, 东 is not: only a per-character split keeps 東.
        assertEquals(List.of("[UNK]", "東"), tokenizer.tokenize("东東"));
    }

    @Test
    void unknownPiecesMakeTheWholeWordUnknown() {
        assertEquals(List.of("[UNK]"), tokenizer.tokenize("x\u2603"));
        assertEquals(List.of("a", "[UNK]", "b"), tokenizer.tokenize("a x\u2603 b"));
    }

    @Test
    void wordsLongerThanTheLimitAreUnknown() {
        assertEquals(List.of("[UNK]"), tokenizer.tokenize("a".repeat(101)));
        assertTrue(!tokenizer.tokenize("a".repeat(100)).contains("[UNK]"));
    }

    @Test
    void specialTokenStringsInTheTextAreNotControlTokens() {
        assertEquals(List.of("[", "cl", "##s", "]"), tokenizer.tokenize("[CLS]"));
    }

    @Test
    void padsBatchesToTheLongestAndMasksThePadding() {
        BatchEncoding b = tokenizer.encodeBatch(List.of("Hello, World!", "hello"));
        assertEquals(DType.INT64, b.inputIds().dtype());
        assertArrayEquals(new long[] {2, 6}, b.inputIds().shape());
        assertArrayEquals(new long[] {2, 6}, b.attentionMask().shape());
        assertArrayEquals(new long[] {2, 6}, b.tokenTypeIds().shape());
        long pad = tokenizer.tokenId("[PAD]");
        assertArrayEquals(new long[] {101, 7592, 1010, 2088, 999, 102, 101, 7592, 102, pad, pad, pad},
                b.inputIds().toLongArray());
        assertArrayEquals(new long[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0}, b.attentionMask().toLongArray());
        assertArrayEquals(new long[12], b.tokenTypeIds().toLongArray());
        assertEquals(List.of("input_ids", "attention_mask", "token_type_ids"), List.copyOf(b.asMap().keySet()));
    }

    @Test
    void truncatesKeepingTheSpecialTokens() {
        BatchEncoding b = tokenizer.encodeBatch(List.of("Hello, World!"), 4);
        assertArrayEquals(ids("[CLS]", "hello", ",", "[SEP]"), b.inputIds().toLongArray());
        long[] longText = tokenizer.encode("word ".repeat(300));
        assertEquals(128, longText.length);
        assertEquals(102, longText[127]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokenizer.encodeBatch(List.of("x"), 2));
        assertEquals("maximum length 2 leaves no room for text next to the 2 special tokens of the template", e.getMessage());
    }

    @Test
    void takesSpecialTokensPaddingAndTruncationFromTheJson() throws IOException {
        WordPieceTokenizer custom = modified(root -> {
            JsonObject post = root.getAsJsonObject("post_processor");
            post.getAsJsonObject("special_tokens").getAsJsonObject("[CLS]").getAsJsonArray("ids").set(0,
                    new JsonPrimitive(7));
            root.getAsJsonObject("padding").addProperty("pad_id", 3);
            root.getAsJsonObject("truncation").addProperty("max_length", 5);
            root.getAsJsonObject("truncation").addProperty("direction", "Left");
        });
        BatchEncoding b = custom.encodeBatch(List.of("one two three four", "one"));
        assertArrayEquals(new long[] {7, tokenizer.tokenId("two"), tokenizer.tokenId("three"), tokenizer.tokenId("four"), 102,
                7, tokenizer.tokenId("one"), 102, 3, 3}, b.inputIds().toLongArray());
    }

    @Test
    void explainsUnsupportedConfigurations() {
        IOException e = assertThrows(IOException.class,
                () -> modified(root -> root.getAsJsonObject("model").addProperty("type", "BPE")));
        assertEquals("test.json: field 'model.type': 'BPE' is not supported, expected WordPiece", e.getMessage());
        e = assertThrows(IOException.class, () -> modified(root -> root.remove("normalizer")));
        assertEquals("test.json: field 'normalizer': missing", e.getMessage());
        e = assertThrows(IOException.class,
                () -> modified(root -> root.getAsJsonObject("model").addProperty("unk_token", "<unk>")));
        assertEquals("test.json: field 'model.unk_token': '<unk>' is not in the vocabulary", e.getMessage());
        e = assertThrows(IOException.class, () -> WordPieceTokenizer.load(
                new ByteArrayInputStream("{\"model\": [".getBytes(StandardCharsets.UTF_8)), "bad.json"));
        assertTrue(e.getMessage().startsWith("bad.json: not valid JSON: "), e.getMessage());
    }

    private static WordPieceTokenizer modified(Consumer<JsonObject> change) throws IOException {
        JsonObject root;
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream(RESOURCE)) {
            root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        }
        change.accept(root);
        return WordPieceTokenizer.load(new ByteArrayInputStream(root.toString().getBytes(StandardCharsets.UTF_8)), "test.json");
    }
}
