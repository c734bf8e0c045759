/** Vector API kernels with scalar reference versions; the leaf of jquant's module graph. */
module dev.jquant.kernels {
    // Optional at run time: without the incubator module the scalar kernels are used.
    requires static jdk.incubator.vector;

    exports dev.jquant.kernels;
    exports dev.jquant.kernels.attention;
    exports dev.jquant.kernels.conv;
    exports dev.jquant.kernels.gemm;
    exports dev.jquant.kernels.elementwise;
    exports dev.jquant.kernels.qgemm;
}
