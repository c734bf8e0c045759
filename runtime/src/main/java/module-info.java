/** The jquant runtime: reads {@code .jqm} models and runs them through pluggable backends. */
module dev.jquant.runtime {
    requires transitive dev.jquant.kernels;

    exports dev.jquant.runtime;
    exports dev.jquant.runtime.graph;
    exports dev.jquant.runtime.format;
    exports dev.jquant.runtime.ops;
    exports dev.jquant.runtime.quant;
    exports dev.jquant.runtime.spi;

    uses dev.jquant.runtime.spi.BackendProvider;
    provides dev.jquant.runtime.spi.BackendProvider with dev.jquant.runtime.backend.JavaBackendProvider;
}
