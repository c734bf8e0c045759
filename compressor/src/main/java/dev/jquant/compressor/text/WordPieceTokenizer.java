package dev.jquant.compressor.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.jquant.runtime.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer, configured from a HuggingFace {@code tokenizer.json}: {@code BertNormalizer}
 * → {@code BertPreTokenizer} → WordPiece (greedy longest match first, {@code ##} continuations, the unknown
 * token for words that cannot be split or are too long) → the post-processor's template (e.g.
 * {@code [CLS] text [SEP]}) → truncation. Vocabulary, special tokens and settings all come from the file.
 *
 * <p>Batches are padded to their longest member, not to the file's fixed padding length, so short
 * sentences cost short runs. Special-token strings inside the input text (e.g. a literal {@code [MASK]})
 * are tokenized as plain text, never turned into control tokens. Immutable and thread-safe.
 */
public final class WordPieceTokenizer {

    private final Map<String, Integer> vocab;
    private final String unkToken;
    private final String continuationPrefix;
    private final int maxInputCharsPerWord;
    private final BertNormalizer normalizer;
    /** The single-sequence template; the piece with null ids stands for the text's tokens. */
    private final List<TemplatePiece> template;
    private final long padId;
    private final long padTypeId;
    private final int maxLength;
    private final boolean truncateLeft;

    private record TemplatePiece(long[] ids, long typeId) {
    }

    private WordPieceTokenizer(Map<String, Integer> vocab, String unkToken, String continuationPrefix,
            int maxInputCharsPerWord, BertNormalizer normalizer, List<TemplatePiece> template, long padId,
            long padTypeId, int maxLength, boolean truncateLeft) {
        this.vocab = vocab;
        this.unkToken = unkToken;
        this.continuationPrefix = continuationPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.normalizer = normalizer;
        this.template = template;
        this.padId = padId;
        this.padTypeId = padTypeId;
        this.maxLength = maxLength;
        this.truncateLeft = truncateLeft;
    }

    /** Reads a {@code tokenizer.json} file. */
    public static WordPieceTokenizer load(Path tokenizerJson) throws IOException {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return load(in, tokenizerJson.toString());
        }
    }

    /**
     * Reads a {@code tokenizer.json} from a stream (e.g. a class-path resource); {@code source} names it in
     * error messages.
     */
    public static WordPieceTokenizer load(InputStream tokenizerJson, String source) throws IOException {
        JsonObject root;
        try (Reader reader = new InputStreamReader(tokenizerJson, StandardCharsets.UTF_8)) {
            JsonElement parsed = JsonParser.parseReader(reader);
            if (!parsed.isJsonObject()) {
                throw new IOException(source + ": not a tokenizer.json: the top level is not a JSON object");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IOException(source + ": not valid JSON: " + e.getMessage(), e);
        }
        return new ConfigReader(source).read(root);
    }

    /** Longest encoding {@link #encodeBatch(List)} produces, special tokens included (from the file's truncation). */
    public int maxLength() {
        return maxLength;
    }

    public int vocabularySize() {
        return vocab.size();
    }

    /** The id of a vocabulary entry, e.g. {@code ##ing}. */
    public int tokenId(String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new IllegalArgumentException("token '" + token + "' is not in the vocabulary (" + vocab.size() + " entries)");
        }
        return id;
    }

    /** The word pieces of {@code text}, without special tokens or truncation. */
    public List<String> tokenize(String text) {
        List<String> pieces = new ArrayList<>();
        for (String word : BertPreTokenizer.split(normalizer.normalize(text))) {
            splitWord(word, pieces);
        }
        return pieces;
    }

    /** The ids of {@code text} inside the template (e.g. {@code [CLS] … [SEP]}), truncated to {@link #maxLength()}. */
    public long[] encode(String text) {
        return encode(text, maxLength)[0];
    }

    /** Encodes each text, truncated to {@link #maxLength()}, and pads the batch to its longest member. */
    public BatchEncoding encodeBatch(List<String> texts) {
        return encodeBatch(texts, maxLength);
    }

    /** As {@link #encodeBatch(List)}, truncating to {@code maxTokens} (special tokens included). */
    public BatchEncoding encodeBatch(List<String> texts, int maxTokens) {
        if (texts.isEmpty()) {
            throw new IllegalArgumentException("cannot encode an empty batch");
        }
        List<long[][]> encoded = new ArrayList<>(texts.size());
        int longest = 0;
        for (String text : texts) {
            long[][] e = encode(text, maxTokens);
            encoded.add(e);
            longest = Math.max(longest, e[0].length);
        }
        int batch = texts.size();
        long[] ids = new long[batch * longest];
        long[] mask = new long[batch * longest];
        long[] types = new long[batch * longest];
        for (int b = 0; b < batch; b++) {
            long[] rowIds = encoded.get(b)[0];
            long[] rowTypes = encoded.get(b)[1];
            for (int t = 0; t < longest; t++) {
                int i = b * longest + t;
                boolean real = t < rowIds.length;
                ids[i] = real ? rowIds[t] : padId;
                mask[i] = real ? 1 : 0;
                types[i] = real ? rowTypes[t] : padTypeId;
            }
        }
        return new BatchEncoding(Tensor.ofLongs(ids, batch, longest), Tensor.ofLongs(mask, batch, longest),
                Tensor.ofLongs(types, batch, longest));
    }

    /** {ids, type ids} of one text in the template, the text's tokens truncated to fit {@code maxTokens}. */
    private long[][] encode(String text, int maxTokens) {
        int specials = 0;
        for (TemplatePiece p : template) {
            specials += p.ids() == null ? 0 : p.ids().length;
        }
        if (maxTokens <= specials) {
            throw new IllegalArgumentException("maximum length " + maxTokens + " leaves no room for text next to the "
                    + specials + " special tokens of the template");
        }
        List<String> pieces = tokenize(text);
        int keep = Math.min(pieces.size(), maxTokens - specials);
        pieces = truncateLeft ? pieces.subList(pieces.size() - keep, pieces.size()) : pieces.subList(0, keep);
        int length = specials + pieces.size();
        long[] ids = new long[length];
        long[] types = new long[length];
        int at = 0;
        for (TemplatePiece p : template) {
            if (p.ids() == null) {
                for (String piece : pieces) {
                    types[at] = p.typeId();
                    ids[at++] = vocab.get(piece);
                }
            } else {
                for (long id : p.ids()) {
                    types[at] = p.typeId();
                    ids[at++] = id;
                }
            }
        }
        return new long[][] {ids, types};
    }

    /** WordPiece: greedy longest-match-first; a word with an unmatched remainder becomes the unknown token. */
    private void splitWord(String word, List<String> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > maxInputCharsPerWord) {
            out.add(unkToken);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < cps.length) {
            String match = null;
            for (int end = cps.length; end > start; end--) {
                String candidate = (start > 0 ? continuationPrefix : "") + new String(cps, start, end - start);
                if (vocab.containsKey(candidate)) {
                    match = candidate;
                    start = end;
                    break;
                }
            }
            if (match == null) {
                out.subList(mark, out.size()).clear();
                out.add(unkToken);
                return;
            }
            out.add(match);
        }
    }

    /** Reads the parts of tokenizer.json this tokenizer understands, naming the field when one is unexpected. */
    private record ConfigReader(String source) {

        WordPieceTokenizer read(JsonObject root) throws IOException {
            JsonObject model = object(root, "model", "");
            requireType(model, "model", "WordPiece");
            Map<String, Integer> vocab = new HashMap<>();
            for (Map.Entry<String, JsonElement> e : object(model, "vocab", "model").entrySet()) {
                vocab.put(e.getKey(), integer(e.getValue(), "model.vocab." + e.getKey()));
            }
            String unk = string(model, "unk_token", "model");
            if (!vocab.containsKey(unk)) {
                throw problem("model.unk_token", "'" + unk + "' is not in the vocabulary");
            }
            String prefix = model.has("continuing_subword_prefix")
                    ? string(model, "continuing_subword_prefix", "model") : "##";
            int maxChars = model.has("max_input_chars_per_word")
                    ? integer(model.get("max_input_chars_per_word"), "model.max_input_chars_per_word") : 100;

            JsonObject norm = object(root, "normalizer", "");
            requireType(norm, "normalizer", "BertNormalizer");
            boolean lowercase = normalizerFlag(norm, "lowercase", true);
            // HuggingFace: strip_accents null means "same as lowercase".
            boolean stripAccents = norm.has("strip_accents") && !norm.get("strip_accents").isJsonNull()
                    ? normalizerFlag(norm, "strip_accents", false) : lowercase;
            BertNormalizer normalizer = new BertNormalizer(normalizerFlag(norm, "clean_text", true),
                    normalizerFlag(norm, "handle_chinese_chars", true), stripAccents, lowercase);

            requireType(object(root, "pre_tokenizer", ""), "pre_tokenizer", "BertPreTokenizer");
            List<TemplatePiece> template = template(object(root, "post_processor", ""));

            long padId = vocab.getOrDefault("[PAD]", -1);
            long padTypeId = 0;
            JsonElement padding = root.get("padding");
            if (padding != null && padding.isJsonObject()) {
                padId = integer(padding.getAsJsonObject().get("pad_id"), "padding.pad_id");
                padTypeId = integer(padding.getAsJsonObject().get("pad_type_id"), "padding.pad_type_id");
            } else if (padId < 0) {
                throw problem("padding", "absent, and the vocabulary has no [PAD] token to pad batches with");
            }

            int maxLength = Integer.MAX_VALUE;
            boolean truncateLeft = false;
            JsonElement truncation = root.get("truncation");
            if (truncation != null && truncation.isJsonObject()) {
                maxLength = integer(truncation.getAsJsonObject().get("max_length"), "truncation.max_length");
                String direction = string(truncation.getAsJsonObject(), "direction", "truncation");
                if (!direction.equals("Right") && !direction.equals("Left")) {
                    throw problem("truncation.direction", "'" + direction + "', expected Right or Left");
                }
                truncateLeft = direction.equals("Left");
            }
            return new WordPieceTokenizer(Map.copyOf(vocab), unk, prefix, maxChars, normalizer, List.copyOf(template),
                    padId, padTypeId, maxLength, truncateLeft);
        }

        /** TemplateProcessing's "single" template, or BertProcessing's fixed [CLS] A [SEP]. */
        private List<TemplatePiece> template(JsonObject post) throws IOException {
            String type = string(post, "type", "post_processor");
            List<TemplatePiece> pieces = new ArrayList<>();
            switch (type) {
                case "TemplateProcessing" -> {
                    JsonObject specials = object(post, "special_tokens", "post_processor");
                    JsonElement single = post.get("single");
                    if (single == null || !single.isJsonArray()) {
                        throw problem("post_processor.single", "expected an array of template pieces");
                    }
                    for (JsonElement item : single.getAsJsonArray()) {
                        pieces.add(templatePiece(item, specials));
                    }
                }
                case "BertProcessing" -> {
                    pieces.add(bertSpecial(post, "cls"));
                    pieces.add(new TemplatePiece(null, 0));
                    pieces.add(bertSpecial(post, "sep"));
                }
                default -> throw problem("post_processor.type", "'" + type
                        + "' is not supported, expected TemplateProcessing or BertProcessing");
            }
            if (pieces.stream().filter(p -> p.ids() == null).count() != 1) {
                throw problem("post_processor.single", "the template must contain the sequence exactly once");
            }
            return pieces;
        }

        private TemplatePiece templatePiece(JsonElement item, JsonObject specials) throws IOException {
            String field = "post_processor.single";
            if (!item.isJsonObject()) {
                throw problem(field, "expected {\"SpecialToken\": …} or {\"Sequence\": …} items");
            }
            JsonObject o = item.getAsJsonObject();
            if (o.has("Sequence")) {
                return new TemplatePiece(null, integer(object(o, "Sequence", field).get("type_id"), field + ".Sequence.type_id"));
            }
            if (o.has("SpecialToken")) {
                JsonObject special = object(o, "SpecialToken", field);
                String name = string(special, "id", field + ".SpecialToken");
                JsonElement def = specials.get(name);
                if (def == null || !def.isJsonObject() || !def.getAsJsonObject().has("ids")
                        || !def.getAsJsonObject().get("ids").isJsonArray()) {
                    throw problem("post_processor.special_tokens", "no ids for '" + name + "'");
                }
                JsonArray ids = def.getAsJsonObject().getAsJsonArray("ids");
                long[] values = new long[ids.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = integer(ids.get(i), "post_processor.special_tokens." + name + ".ids");
                }
                return new TemplatePiece(values, integer(special.get("type_id"), field + ".SpecialToken.type_id"));
            }
            throw problem(field, "unknown template piece " + o.keySet() + ", expected SpecialToken or Sequence");
        }

        private TemplatePiece bertSpecial(JsonObject post, String key) throws IOException {
            JsonElement e = post.get(key);
            if (e == null || !e.isJsonArray() || e.getAsJsonArray().size() != 2) {
                throw problem("post_processor." + key, "expected [token, id]");
            }
            return new TemplatePiece(new long[] {integer(e.getAsJsonArray().get(1), "post_processor." + key)}, 0);
        }

        private void requireType(JsonObject o, String field, String expected) throws IOException {
            String type = string(o, "type", field);
            if (!type.equals(expected)) {
                throw problem(field + ".type", "'" + type + "' is not supported, expected " + expected);
            }
        }

        private JsonObject object(JsonObject parent, String key, String parentField) throws IOException {
            JsonElement e = parent.get(key);
            if (e == null || !e.isJsonObject()) {
                String field = parentField.isEmpty() ? key : parentField + "." + key;
                throw problem(field, e == null || e.isJsonNull() ? "missing" : "expected a JSON object");
            }
            return e.getAsJsonObject();
        }

        private String string(JsonObject parent, String key, String parentField) throws IOException {
            JsonElement e = parent.get(key);
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw problem(parentField + "." + key, "expected a string");
            }
            return e.getAsString();
        }

        private boolean normalizerFlag(JsonObject parent, String key, boolean defaultValue) throws IOException {
            JsonElement e = parent.get(key);
            if (e == null || e.isJsonNull()) {
                return defaultValue;
            }
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
                throw problem("normalizer." + key, "expected true or false");
            }
            return e.getAsBoolean();
        }

        private int integer(JsonElement e, String field) throws IOException {
            if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw problem(field, "expected a non-negative integer");
            }
            double d = e.getAsDouble();
            if (d < 0 || d > Integer.MAX_VALUE || d != Math.rint(d)) {
                throw problem(field, "expected a non-negative integer, found " + e);
            }
            return (int) d;
        }

        private IOException problem(String field, String message) {
            return new IOException(source + ": field '" + field + "': " + message);
        }
    }
}
