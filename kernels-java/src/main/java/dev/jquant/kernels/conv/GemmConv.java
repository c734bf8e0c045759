package dev.jquant.kernels.conv;

import dev.jquant.kernels.Parallel;
import dev.jquant.kernels.gemm.GemmKernel;
import dev.jquant.kernels.gemm.GemmProblem;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Convolutions lowered to matrix products on a {@link GemmKernel}. Every (image, group) pair is one
 * product, and pairs are done in passes that share one GEMM call (its batch entries), so that a
 * depthwise convolution with hundreds of groups still costs a few calls.
 *
 * <ul>
 *   <li>Forward: im2col writes, per pair, a {@code [inChannels/groups · taps, outputSize]} matrix of the
 *   input values each output reads (zeros for padding) into scratch; then
 *   {@code Y = W · columns} and the bias is added. A pointwise convolution (1×1, stride 1, no padding)
 *   multiplies the input directly and needs no scratch.</li>
 *   <li>Transposed: {@code columns = Wᵀ · X}, a {@code [outChannels/groups · taps, inputSize]} matrix, then
 *   col2im adds each column entry into the output position its tap lands on.</li>
 * </ul>
 * Scratch holds the columns of one pass: as many pairs as fit in {@value #PASS_BYTES} bytes, at least one.
 */
public final class GemmConv implements ConvKernel {

    /** Column bytes per pass; more pairs per GEMM call no longer pay once the columns leave the caches. */
    static final long PASS_BYTES = 8L << 20;

    private static final ValueLayout.OfFloat F32 = ScalarConv.F32;

    private final GemmKernel gemm;

    public GemmConv(GemmKernel gemm) {
        this.gemm = gemm;
    }

    @Override
    public String name() {
        return "im2col+" + gemm.name();
    }

    @Override
    public Convolution forward(ConvGeometry geometry) {
        return new Forward(geometry);
    }

    @Override
    public Convolution transposed(ConvGeometry geometry) {
        return new Transposed(geometry);
    }

    /** Pairs per pass when one pair's columns take {@code columnFloats} floats. */
    private static int pairsPerPass(long columnFloats, int pairs) {
        long fit = PASS_BYTES / Math.max(1, columnFloats * Float.BYTES);
        return (int) Math.max(1, Math.min(fit, pairs));
    }

    private final class Forward implements Convolution {
        private final ConvGeometry g;
        private final Window w;
        private final boolean pointwise;
        /** GEMM depth: input channels of a group times taps. */
        private final int depth;
        private final long columnFloats;
        private final int pairsPerPass;
        private final GemmProblem[] passes;
        private final Parallel.RangeTask im2colRows = this::im2colRows;
        private final Parallel.RangeTask biasRows = this::biasRows;
        // The current run and pass, for the chunks of its parallel loops (fields, so that they allocate nothing).
        private MemorySegment input;
        private MemorySegment output;
        private MemorySegment bias;
        private MemorySegment columns;
        private int first;

        Forward(ConvGeometry g) {
            this.g = g;
            this.w = g.window();
            this.pointwise = w.isPointwise();
            this.depth = Math.multiplyExact(g.inChannelsPerGroup(), w.kernelSize());
            int outSize = w.outputSize();
            int inSize = w.inputSize();
            this.columnFloats = (long) depth * outSize;
            int pairs = Math.multiplyExact(g.batch(), g.groups());
            this.pairsPerPass = pointwise ? Math.max(1, pairs) : pairsPerPass(columnFloats, pairs);
            this.passes = new GemmProblem[ceilDiv(pairs, pairsPerPass)];
            int perGroupOut = g.outChannelsPerGroup();
            for (int pass = 0; pass < passes.length; pass++) {
                int first = pass * pairsPerPass;
                int count = Math.min(pairsPerPass, pairs - first);
                long[] aOff = new long[count];
                long[] bOff = new long[count];
                long[] cOff = new long[count];
                for (int slot = 0; slot < count; slot++) {
                    int n = (first + slot) / g.groups();
                    int group = (first + slot) % g.groups();
                    aOff[slot] = (long) group * perGroupOut * depth;
                    bOff[slot] = pointwise ? ((long) n * g.inChannels() + (long) group * g.inChannelsPerGroup()) * inSize
                            : slot * columnFloats;
                    cOff[slot] = ((long) n * g.outChannels() + (long) group * perGroupOut) * outSize;
                }
                passes[pass] = GemmProblem.builder(perGroupOut, outSize, depth)
                        .strides(Math.max(1, depth), Math.max(1, outSize), Math.max(1, outSize))
                        .batches(aOff, bOff, cOff).build();
            }
        }

        @Override
        public long scratchBytes() {
            return pointwise ? 0 : pairsPerPass * columnFloats * Float.BYTES;
        }

        @Override
        public void run(MemorySegment input, MemorySegment weight, MemorySegment bias, MemorySegment output,
                MemorySegment scratch, Parallel parallel) {
            this.input = input;
            this.output = output;
            this.bias = bias;
            this.columns = scratch;
            for (int pass = 0; pass < passes.length; pass++) {
                first = pass * pairsPerPass;
                int count = passes[pass].batchCount();
                if (!pointwise) {
                    parallel.forRange(count * depth, 1, im2colRows);
                }
                gemm.multiply(passes[pass], weight, pointwise ? input : scratch, output, parallel);
                if (bias != null) {
                    parallel.forRange(count * g.outChannelsPerGroup(), 1, biasRows);
                }
            }
        }

        /** Rows {@code [start, end)} of this pass's columns, numbered pair-major. */
        private void im2colRows(int start, int end) {
            for (int unit = start; unit < end; unit++) {
                im2colRow(input, columns, first + unit / depth, unit / depth, unit % depth);
            }
        }

        /** Adds the bias to output channels {@code [start, end)} of this pass, numbered pair-major. */
        private void biasRows(int start, int end) {
            int perGroupOut = g.outChannelsPerGroup();
            for (int unit = start; unit < end; unit++) {
                int pair = first + unit / perGroupOut;
                int oc = pair % g.groups() * perGroupOut + unit % perGroupOut;
                addBias(output, ((long) pair / g.groups() * g.outChannels() + oc) * w.outputSize(), w.outputSize(),
                        bias.getAtIndex(F32, oc));
            }
        }

        /** Row {@code row} (input channel, tap) of the columns of {@code pair}, written to scratch slot {@code slot}. */
        private void im2colRow(MemorySegment input, MemorySegment columns, int pair, int slot, int row) {
            int taps = w.kernelSize();
            int n = pair / g.groups();
            int ic = pair % g.groups() * g.inChannelsPerGroup() + row / taps;
            int tap = row % taps;
            long src = ((long) n * g.inChannels() + ic) * w.inputSize();
            long dst = slot * columnFloats + (long) row * w.outputSize();
            int last = w.rank() - 1;
            int width = w.output(last);
            if (width == 0) {
                return;
            }
            int stride = w.stride(last);
            int offset = tap % w.kernel(last) * w.dilation(last) - w.padBegin(last);
            int lo = Math.min(width, Window.firstInside(offset, stride));
            int hi = Math.max(lo, Window.endInside(offset, stride, w.input(last), width));
            int lines = w.outputSize() / width;
            for (int line = 0; line < lines; line++, dst += width) {
                long rowStart = outerOffset(w, line, tap / w.kernel(last), false);
                if (rowStart < 0 || lo == hi) {
                    zero(columns, dst, width);
                    continue;
                }
                zero(columns, dst, lo);
                long from = src + rowStart + offset;
                if (stride == 1) {
                    MemorySegment.copy(input, (from + lo) * Float.BYTES, columns, (dst + lo) * Float.BYTES,
                            (long) (hi - lo) * Float.BYTES);
                } else {
                    for (int o = lo; o < hi; o++) {
                        columns.setAtIndex(F32, dst + o, input.getAtIndex(F32, from + (long) o * stride));
                    }
                }
                zero(columns, dst + hi, width - hi);
            }
        }
    }

    private final class Transposed implements Convolution {
        private final ConvGeometry g;
        private final Window w;
        /** Rows of one pair's columns: output channels of a group times taps. */
        private final int rows;
        private final long columnFloats;
        private final int pairsPerPass;
        private final GemmProblem[] passes;
        private final Parallel.RangeTask col2imChannels = this::col2imChannels;
        // The current run and pass, for the chunks of its parallel loop (fields, so that it allocates nothing).
        private MemorySegment columns;
        private MemorySegment bias;
        private MemorySegment output;
        private int first;

        Transposed(ConvGeometry g) {
            this.g = g;
            this.w = g.window();
            this.rows = Math.multiplyExact(g.outChannelsPerGroup(), w.kernelSize());
            int inSize = w.inputSize();
            this.columnFloats = (long) rows * inSize;
            int pairs = Math.multiplyExact(g.batch(), g.groups());
            this.pairsPerPass = pairsPerPass(columnFloats, pairs);
            this.passes = new GemmProblem[ceilDiv(pairs, pairsPerPass)];
            int perGroupIn = g.inChannelsPerGroup();
            for (int pass = 0; pass < passes.length; pass++) {
                int first = pass * pairsPerPass;
                int count = Math.min(pairsPerPass, pairs - first);
                long[] aOff = new long[count];
                long[] bOff = new long[count];
                long[] cOff = new long[count];
                for (int slot = 0; slot < count; slot++) {
                    int n = (first + slot) / g.groups();
                    int group = (first + slot) % g.groups();
                    aOff[slot] = (long) group * perGroupIn * rows;
                    bOff[slot] = ((long) n * g.inChannels() + (long) group * perGroupIn) * inSize;
                    cOff[slot] = slot * columnFloats;
                }
                passes[pass] = GemmProblem.builder(rows, inSize, perGroupIn).transposeA(true)
                        .strides(Math.max(1, rows), Math.max(1, inSize), Math.max(1, inSize))
                        .batches(aOff, bOff, cOff).build();
            }
        }

        @Override
        public long scratchBytes() {
            return pairsPerPass * columnFloats * Float.BYTES;
        }

        @Override
        public void run(MemorySegment input, MemorySegment weight, MemorySegment bias, MemorySegment output,
                MemorySegment scratch, Parallel parallel) {
            this.columns = scratch;
            this.bias = bias;
            this.output = output;
            for (int pass = 0; pass < passes.length; pass++) {
                first = pass * pairsPerPass;
                gemm.multiply(passes[pass], weight, input, scratch, parallel);
                // One unit per output channel: no two units add into the same output element.
                parallel.forRange(passes[pass].batchCount() * g.outChannelsPerGroup(), 1, col2imChannels);
            }
        }

        /** Output channels {@code [start, end)} of this pass, numbered pair-major. */
        private void col2imChannels(int start, int end) {
            int perGroupOut = g.outChannelsPerGroup();
            for (int unit = start; unit < end; unit++) {
                col2im(columns, bias, output, first + unit / perGroupOut, unit / perGroupOut, unit % perGroupOut);
            }
        }

        /** Output channel {@code ocl} of {@code pair}: the bias, plus every column entry that lands on it. */
        private void col2im(MemorySegment columns, MemorySegment bias, MemorySegment output, int pair, int slot,
                int ocl) {
            int taps = w.kernelSize();
            int oc = pair % g.groups() * g.outChannelsPerGroup() + ocl;
            long plane = ((long) pair / g.groups() * g.outChannels() + oc) * w.outputSize();
            float initial = bias == null ? 0f : bias.getAtIndex(F32, oc);
            for (long o = 0; o < w.outputSize(); o++) {
                output.setAtIndex(F32, plane + o, initial);
            }
            int last = w.rank() - 1;
            int width = w.input(last);
            if (width == 0) {
                return;
            }
            int stride = w.stride(last);
            int lines = w.inputSize() / width;
            for (int tap = 0; tap < taps; tap++) {
                long src = slot * columnFloats + (long) (ocl * taps + tap) * w.inputSize();
                int offset = tap % w.kernel(last) * w.dilation(last) - w.padBegin(last);
                int lo = Math.min(width, Window.firstInside(offset, stride));
                int hi = Math.max(lo, Window.endInside(offset, stride, w.output(last), width));
                for (int line = 0; line < lines; line++, src += width) {
                    long rowStart = outerOffset(w, line, tap / w.kernel(last), true);
                    if (rowStart < 0) {
                        continue;
                    }
                    long to = plane + rowStart + offset;
                    for (int i = lo; i < hi; i++) {
                        long at = to + (long) i * stride;
                        output.setAtIndex(F32, at, output.getAtIndex(F32, at) + columns.getAtIndex(F32, src + i));
                    }
                }
            }
        }
    }

    /**
     * Where line {@code line} (a position over all but the last dimension) meets the other side of the
     * window at outer taps {@code outerTap}, as an element offset into a plane of that side, or -1 when it
     * falls into padding. Forward: lines are output positions and the offset is into the input;
     * transposed: lines are input positions and the offset is into the output.
     */
    private static long outerOffset(Window w, int line, int outerTap, boolean transposed) {
        int last = w.rank() - 1;
        long index = 0;
        long scale = transposed ? w.output(last) : w.input(last);
        for (int d = last - 1; d >= 0; d--) {
            int lineExtent = transposed ? w.input(d) : w.output(d);
            int targetExtent = transposed ? w.output(d) : w.input(d);
            int position = line % lineExtent;
            int tap = outerTap % w.kernel(d);
            line /= lineExtent;
            outerTap /= w.kernel(d);
            int target = position * w.stride(d) + tap * w.dilation(d) - w.padBegin(d);
            if (target < 0 || target >= targetExtent) {
                return -1;
            }
            index += target * scale;
            scale *= targetExtent;
        }
        return index;
    }

    private static void zero(MemorySegment s, long index, int count) {
        if (count > 0) {
            s.asSlice(index * Float.BYTES, (long) count * Float.BYTES).fill((byte) 0);
        }
    }

    private static void addBias(MemorySegment output, long index, int count, float value) {
        for (long i = index; i < index + count; i++) {
            output.setAtIndex(F32, i, output.getAtIndex(F32, i) + value);
        }
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
