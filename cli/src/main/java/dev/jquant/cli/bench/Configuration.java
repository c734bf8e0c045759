package dev.jquant.cli.bench;

/**
 * One point of the benchmark grid: the input shape and the intra-op threads every engine gets.
 *
 * @param batch the bound batch size, or 0 when the model has no batch dimension
 * @param seq the bound sequence length, or 0 when the model has no sequence dimension
 */
public record Configuration(int batch, int seq, int threads) {

    /** Items one run processes, for throughput: the batch, or 1 when there is none to bind. */
    public int items() {
        return Math.max(batch, 1);
    }

    /** e.g. {@code batch 8, seq 128, 2 threads}; dimensions the model lacks are left out. */
    public String label() {
        return (batch > 0 ? "batch " + batch + ", " : "") + (seq > 0 ? "seq " + seq + ", " : "")
                + threads + (threads == 1 ? " thread" : " threads");
    }
}
