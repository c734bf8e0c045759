/**
 * Text to model inputs: {@link dev.jquant.compressor.text.WordPieceTokenizer} turns sentences into
 * the {@code input_ids}, {@code attention_mask} and {@code token_type_ids} tensors a BERT-style model
 * expects, configured from a HuggingFace {@code tokenizer.json} so that it reproduces the reference
 * tokenizer's ids for the same file. Used to build calibration inputs and by the demo.
 */
package dev.jquant.compressor.text;
