package dev.jquant.kernels.conv;

import dev.jquant.kernels.Parallel;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The reference convolutions: every output element is its defining sum, taken over input channels and
 * then window taps in order, with taps that fall into padding skipped. Output channels are spread over
 * the threads, which does not change any result.
 */
public final class ScalarConv implements ConvKernel {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static final ScalarConv INSTANCE = new ScalarConv();

    private ScalarConv() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public Convolution forward(ConvGeometry g) {
        return new Planned(g, false);
    }

    @Override
    public Convolution transposed(ConvGeometry g) {
        return new Planned(g, true);
    }

    private record Planned(ConvGeometry g, boolean transposed) implements Convolution {
        @Override
        public long scratchBytes() {
            return 0;
        }

        @Override
        public void run(MemorySegment input, MemorySegment weight, MemorySegment bias, MemorySegment output,
                MemorySegment scratch, Parallel parallel) {
            Window w = g.window();
            int inSize = w.inputSize();
            int outSize = w.outputSize();
            int taps = w.kernelSize();
            int perGroupIn = g.inChannelsPerGroup();
            int perGroupOut = g.outChannelsPerGroup();
            parallel.forRange(Math.multiplyExact(g.batch(), g.outChannels()), 1, (start, end) -> {
                for (int plane = start; plane < end; plane++) {
                    int n = plane / g.outChannels();
                    int oc = plane % g.outChannels();
                    int group = oc / perGroupOut;
                    for (int o = 0; o < outSize; o++) {
                        float sum = bias == null ? 0f : bias.getAtIndex(F32, oc);
                        for (int icl = 0; icl < perGroupIn; icl++) {
                            int ic = group * perGroupIn + icl;
                            long x = ((long) n * g.inChannels() + ic) * inSize;
                            long k = transposed
                                    ? ((long) ic * perGroupOut + oc % perGroupOut) * taps
                                    : ((long) oc * perGroupIn + icl) * taps;
                            for (int t = 0; t < taps; t++) {
                                int i = transposed ? sourceOf(w, o, t) : readBy(w, o, t);
                                if (i >= 0) {
                                    sum += input.getAtIndex(F32, x + i) * weight.getAtIndex(F32, k + t);
                                }
                            }
                        }
                        output.setAtIndex(F32, (long) plane * outSize + o, sum);
                    }
                }
            });
        }
    }

    /** The input position that output {@code o} reads at tap {@code t}, or -1 when it lies in the padding. */
    private static int readBy(Window w, int o, int t) {
        int index = 0;
        int scale = 1;
        for (int d = w.rank() - 1; d >= 0; d--) {
            int od = o % w.output(d);
            int td = t % w.kernel(d);
            o /= w.output(d);
            t /= w.kernel(d);
            int id = od * w.stride(d) + td * w.dilation(d) - w.padBegin(d);
            if (id < 0 || id >= w.input(d)) {
                return -1;
            }
            index += id * scale;
            scale *= w.input(d);
        }
        return index;
    }

    /**
     * For a transposed convolution: the input position {@code i} whose tap {@code t} lands on output
     * {@code o} ({@code i·stride + t·dilation − padBegin = o}), or -1 when there is none.
     */
    private static int sourceOf(Window w, int o, int t) {
        int index = 0;
        int scale = 1;
        for (int d = w.rank() - 1; d >= 0; d--) {
            int od = o % w.output(d);
            int td = t % w.kernel(d);
            o /= w.output(d);
            t /= w.kernel(d);
            int v = od + w.padBegin(d) - td * w.dilation(d);
            if (v < 0 || v % w.stride(d) != 0 || v / w.stride(d) >= w.input(d)) {
                return -1;
            }
            index += v / w.stride(d) * scale;
            scale *= w.input(d);
        }
        return index;
    }
}
