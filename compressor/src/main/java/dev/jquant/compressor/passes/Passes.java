package dev.jquant.compressor.passes;

import dev.jquant.runtime.graph.Graph;
import java.util.List;

/** A sequence of passes applied in order; {@link #standard()} is what the compressor runs after import. */
public final class Passes implements GraphPass {
    private final List<GraphPass> passes;

    private Passes(List<GraphPass> passes) {
        this.passes = List.copyOf(passes);
    }

    /**
     * Removes identities first (so that constants and Conv-BatchNormalization pairs meet), folds constants
     * (so that weights computed from constants are constant, and so are the constants the fusions look
     * for), folds batch normalization into convolutions, fuses spelled-out layer normalizations, GELUs and
     * multi-head attentions, and finally drops what no output needs any more.
     */
    public static Passes standard() {
        return new Passes(List.of(new IdentityElimination(), new ConstantFolding(), new BatchNormFolding(),
                new LayerNormFusion(), new GeluFusion(), new AttentionFusion(), new DeadNodeElimination()));
    }

    @Override
    public Graph apply(Graph graph) {
        Graph g = graph;
        for (GraphPass p : passes) {
            g = p.apply(g);
        }
        return g;
    }
}
