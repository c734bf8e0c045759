package dev.jquant.runtime.ops;

import dev.jquant.runtime.graph.Node;

/** Creates the {@link Operator} for a node; called once per node per plan. */
@FunctionalInterface
public interface OperatorFactory {
    Operator create(Node node, int opset);
}
