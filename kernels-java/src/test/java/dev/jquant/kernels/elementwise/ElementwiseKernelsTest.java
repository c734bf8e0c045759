package dev.jquant.kernels.elementwise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jquant.kernels.KernelConfig;
import org.junit.jupiter.api.Test;

class ElementwiseKernelsTest {

    @Test
    void choosesTheImplementationKernelConfigAsksFor() {
        Class<?> expected = KernelConfig.useVector() ? VectorElementwise.class : ScalarElementwise.class;
        assertEquals(expected, ElementwiseKernels.floats().getClass(), KernelConfig.reason());
    }
}
