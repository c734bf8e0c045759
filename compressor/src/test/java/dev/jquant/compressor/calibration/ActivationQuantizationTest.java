package dev.jquant.compressor.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ActivationQuantizationTest {

    @Test
    void symmetricScaleMapsTheLargerMagnitudeTo127() {
        ActivationQuantization q = ActivationQuantization.of(new Range(-2f, 5f), ActivationScheme.INT8);
        assertEquals(new ActivationQuantization(5f / 127, 0, 8, true), q);
        assertEquals(127, q.quantize(5f));
        assertEquals(-127, q.quantize(-5f));
        assertEquals(-128, q.quantize(-6f)); // saturates at the type's limit, as QuantizeLinear does
        assertEquals(127, q.quantize(1e30f));
        assertEquals(0, q.quantize(0f));
        assertEquals(5f, q.dequantize(127), 1e-6f);
    }

    @Test
    void affineRangeIsWidenedToIncludeZero() {
        ActivationQuantization positive = ActivationQuantization.of(new Range(1f, 3f), ActivationScheme.UINT8);
        assertEquals(new ActivationQuantization(3f / 255, 0, 8, false), positive);

        ActivationQuantization negative = ActivationQuantization.of(new Range(-4f, -1f), ActivationScheme.UINT8);
        assertEquals(255, negative.zeroPoint());
        assertEquals(4f / 255, negative.scale());

        ActivationQuantization mixed = ActivationQuantization.of(new Range(-1f, 3f), ActivationScheme.UINT8);
        assertEquals(4f / 255, mixed.scale());
        assertEquals(64, mixed.zeroPoint()); // 255 / 4 = 63.75, rounded
        assertEquals(64, mixed.quantize(0f));
        assertEquals(0f, mixed.dequantize(mixed.quantize(0f))); // zero is exact
        assertEquals(0, mixed.quantize(-1f));
        assertEquals(255, mixed.quantize(3.1f));
    }

    @Test
    void roundsHalfToEvenLikeQuantizeLinear() {
        ActivationQuantization q = new ActivationQuantization(1f, 10, 8, false);
        assertEquals(12, q.quantize(2.5f));
        assertEquals(14, q.quantize(3.5f));
        assertEquals(8, q.quantize(-2.5f));
    }

    @Test
    void otherWidths() {
        ActivationQuantization int4 = ActivationQuantization.of(new Range(-1f, 0.5f), new ActivationScheme(4, true));
        assertEquals(1f / 7, int4.scale());
        assertEquals(-8, int4.quantize(-2f));
        ActivationQuantization uint16 = ActivationQuantization.of(new Range(0f, 65535f), new ActivationScheme(16, false));
        assertEquals(1f, uint16.scale());
        assertEquals(65535, uint16.quantize(70000f));
    }

    @Test
    void aRangeOfZeroWidthGetsScaleOne() {
        assertEquals(new ActivationQuantization(1f, 0, 8, true),
                ActivationQuantization.of(new Range(0f, 0f), ActivationScheme.INT8));
        assertEquals(new ActivationQuantization(1f, 0, 8, false),
                ActivationQuantization.of(new Range(0f, 0f), ActivationScheme.UINT8));
    }

    @Test
    void invalidParametersAreRejected() {
        assertEquals("zero point 300 is outside uint8 asymmetric's [0, 255]", assertThrows(IllegalArgumentException.class,
                () -> new ActivationQuantization(1f, 300, 8, false)).getMessage());
        assertEquals("scale must be positive and finite, was 0.0", assertThrows(IllegalArgumentException.class,
                () -> new ActivationQuantization(0f, 0, 8, true)).getMessage());
        assertEquals("activation bits must be in [2, 16], was 17", assertThrows(IllegalArgumentException.class,
                () -> new ActivationScheme(17, true)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Range(1f, 0f));
    }
}
