package dev.jquant.runtime.ops;

import dev.jquant.runtime.DType;

/**
 * Declares an operator's wanted outputs and scratch at the end of prepare. Computing outputs whose
 * inputs are all known is not the operator's business: the planner folds those nodes generically.
 */
final class OutputDeclaration {
    private OutputDeclaration() {
    }

    /** One output, no scratch memory. */
    static void declare(PrepareContext ctx, DType type, long[] shape) {
        declare(ctx, new DType[] {type}, new long[][] {shape}, 0);
    }

    /** Sets output {@code i} to {@code types[i]} and {@code shapes[i]} where the node wants it, and reserves scratch. */
    static void declare(PrepareContext ctx, DType[] types, long[][] shapes, long scratchBytes) {
        for (int i = 0; i < types.length; i++) {
            if (ctx.hasOutput(i)) {
                ctx.setOutput(i, types[i], shapes[i]);
            }
        }
        if (scratchBytes > 0) {
            ctx.reserveScratch(scratchBytes);
        }
    }
}
