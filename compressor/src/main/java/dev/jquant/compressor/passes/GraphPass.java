package dev.jquant.compressor.passes;

import dev.jquant.runtime.graph.Graph;

/**
 * One graph rewrite with one job. A pass returns a new graph (graphs are immutable) that computes the same
 * outputs, up to float rounding, under the same graph input and output names.
 */
@FunctionalInterface
public interface GraphPass {

    Graph apply(Graph graph);
}
