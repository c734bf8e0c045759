package dev.jquant.compressor.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Real English sentences from plain-text files, for calibrating and checking text models without a
 * dataset download: every Debian machine has the license texts under {@value #DEBIAN_LICENSES}.
 * Deterministic: files in name order, sentences in text order, duplicates dropped.
 */
public final class ProseCorpus {

    public static final String DEBIAN_LICENSES = "/usr/share/common-licenses";

    private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+(?=[A-Z\"(])");
    private static final int MIN_WORDS = 6;
    private static final int MAX_WORDS = 60;

    private ProseCorpus() {
    }

    /**
     * Up to {@code count} sentences of 6 to 60 words from the regular files of {@code dir}.
     *
     * @throws IOException when {@code dir} cannot be read
     */
    public static List<String> sentences(Path dir, int count) throws IOException {
        Set<String> out = new LinkedHashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1).replaceAll("\\s+", " ");
            for (String sentence : SENTENCE_END.split(text)) {
                String t = sentence.trim();
                int words = t.split(" ").length;
                if (words >= MIN_WORDS && words <= MAX_WORDS && t.chars().filter(Character::isLetter).count() > t.length() / 2) {
                    out.add(t);
                    if (out.size() == count) {
                        return new ArrayList<>(out);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }
}
