package dev.jquant.runtime.backend;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.runtime.graph.Node;
import dev.jquant.runtime.ops.Operator;
import dev.jquant.runtime.ops.Operators;
import dev.jquant.runtime.spi.Backend;
import dev.jquant.runtime.spi.BackendProbe;
import dev.jquant.runtime.spi.BackendProvider;
import dev.jquant.runtime.UnsupportedOperatorException;
import java.util.List;

/** The pure-Java backend: always available, runs every operator jquant supports. */
public final class JavaBackendProvider implements BackendProvider {

    public static final String NAME = "java";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public BackendProbe probe() {
        return new BackendProbe(NAME, true, "always available", CpuInfo.description(), KernelConfig.reason(),
                List.of(Operators.supported().size() + " operators", "Java " + Runtime.version()));
    }

    @Override
    public Backend open() {
        return new JavaBackend();
    }

    static final class JavaBackend implements Backend {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public boolean runsQuantizedWeights() {
            return true;
        }

        @Override
        public String whyUnsupported(Node node, int opset) {
            return Operators.isSupported(node) ? null : "no Java operator for " + node.opType();
        }

        @Override
        public Operator createOperator(Node node, int opset) {
            try {
                return Operators.create(node, opset);
            } catch (UnsupportedOperatorException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        @Override
        public void close() {
        }
    }
}
