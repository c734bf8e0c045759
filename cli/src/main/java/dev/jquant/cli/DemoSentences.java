package dev.jquant.cli;

import java.util.List;

/**
 * English sentences for the demo: short and long, with accents and punctuation, in pairs that mean
 * nearly the same in other words, so the closest pair the embeddings find can be checked by eye.
 */
final class DemoSentences {

    static final List<String> ALL = List.of(
            "The cat sat on the mat.",
            "Stock markets fell sharply after the central bank raised interest rates for the third time this year.",
            "How do I reset my password?",
            "A kitten was sleeping on the rug.",
            "Investors sold their shares when borrowing costs went up again.",
            "I forgot my login details and can't get into my account!",
            "It's raining.",
            "The Eiffel Tower, finished in 1889, draws millions of visitors to Paris every year.",
            "Photosynthesis turns sunlight, water and carbon dioxide into sugar and oxygen.",
            "Café owners in Zürich say the rent is too high.",
            "Quantized neural networks trade a little accuracy for much smaller files and faster inference on ordinary CPUs.",
            "Plants make their food from light.");

    private DemoSentences() {
    }
}
