package dev.jquant.compressor.text;

import dev.jquant.runtime.Tensor;

/** Sentence embeddings from a BERT-style last hidden state, as sentence-transformers pools them. */
public final class SentenceEmbeddings {

    private SentenceEmbeddings() {
    }

    /** The attention-mask-weighted mean over the tokens of {@code hidden} [batch, seq, dim]: one vector per row. */
    public static float[][] meanPooled(Tensor hidden, Tensor attentionMask) {
        int batch = (int) hidden.dim(0);
        int seq = (int) hidden.dim(1);
        int dim = (int) hidden.dim(2);
        long[] mask = attentionMask.toLongArray();
        float[] h = hidden.toFloatArray();
        float[][] out = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            int tokens = 0;
            double[] sum = new double[dim];
            for (int s = 0; s < seq; s++) {
                if (mask[b * seq + s] != 0) {
                    tokens++;
                    int base = (b * seq + s) * dim;
                    for (int d = 0; d < dim; d++) {
                        sum[d] += h[base + d];
                    }
                }
            }
            for (int d = 0; d < dim; d++) {
                out[b][d] = (float) (sum[d] / Math.max(tokens, 1));
            }
        }
        return out;
    }

    /** Cosine similarity of two vectors of the same length. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
