package dev.jquant.compressor.quantize;

import java.util.Map;
import java.util.Set;

/**
 * What to do with a model's weights.
 *
 * @param precision the default for every weight (MatMul/Gemm/Conv weights, embedding tables)
 * @param groupSize 4-bit weights: values per scale along the reduction axis (a multiple of 16)
 * @param symmetric 4-bit weights: int4 around zero, or uint4 with a zero point per group
 * @param embeddings the precision of Gather tables (embeddings); a wrong token vector hurts every layer
 *        after it, and only the rows a batch reads are ever decoded, so they get more bits by default
 * @param excludedNodes weights read by these nodes stay FLOAT32
 * @param byOpType a precision per consumer op type (e.g. {@code Conv → int8}), overriding the default
 * @param reducedRange int8 weights: codes within ±{@value #REDUCED_INT8_LIMIT} instead of ±127 (7-bit weights,
 *        what ONNX Runtime calls reduce_range), for engines that multiply bytes with {@code vpmaddubsw}: on x86
 *        without VNNI, oneDNN's int8 sums are exact only for such weights, so only they run on it there
 */
public record WeightQuantization(Precision precision, int groupSize, boolean symmetric, Precision embeddings,
        Set<String> excludedNodes, Map<String, Precision> byOpType, boolean reducedRange) {

    /** The largest int8 code magnitude with {@link #reducedRange}: 2·255·64 still fits a saturating int16 pair sum. */
    public static final int REDUCED_INT8_LIMIT = 64;

    /** Weights below this many elements (biases, norms, small tables) stay FLOAT32: they cost little. */
    static final long MIN_ELEMENTS = 1024;

    public WeightQuantization {
        if (groupSize < 16 || groupSize % 16 != 0) {
            throw new IllegalArgumentException("group size must be a positive multiple of 16 (e.g. 32, 64, 128), was "
                    + groupSize);
        }
        excludedNodes = Set.copyOf(excludedNodes);
        byOpType = Map.copyOf(byOpType);
    }

    /** Everything at {@code precision}; 4-bit in asymmetric groups of 32. */
    public static WeightQuantization of(Precision precision) {
        return new WeightQuantization(precision, 32, false, precision, Set.of(), Map.of(), false);
    }

    public WeightQuantization withGroupSize(int size) {
        return new WeightQuantization(precision, size, symmetric, embeddings, excludedNodes, byOpType, reducedRange);
    }

    public WeightQuantization withSymmetric(boolean sym) {
        return new WeightQuantization(precision, groupSize, sym, embeddings, excludedNodes, byOpType, reducedRange);
    }

    public WeightQuantization withEmbeddings(Precision p) {
        return new WeightQuantization(precision, groupSize, symmetric, p, excludedNodes, byOpType, reducedRange);
    }

    public WeightQuantization withExcludedNodes(Set<String> nodes) {
        return new WeightQuantization(precision, groupSize, symmetric, embeddings, nodes, byOpType, reducedRange);
    }

    public WeightQuantization withOpTypes(Map<String, Precision> precisions) {
        return new WeightQuantization(precision, groupSize, symmetric, embeddings, excludedNodes, precisions, reducedRange);
    }

    public WeightQuantization withReducedRange(boolean reduced) {
        return new WeightQuantization(precision, groupSize, symmetric, embeddings, excludedNodes, byOpType, reduced);
    }
}
