package dev.jquant.compressor.format;

import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.format.JqmFormat;
import dev.jquant.runtime.format.QuantizationDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Places the tensors in the DATA section and encodes the TENSOR_DIRECTORY that describes them. */
final class TensorDirectoryWriter {

    /** A tensor and where its bytes start, relative to the DATA section. */
    record Placement(String name, Tensor tensor, long dataOffset) {
    }

    private TensorDirectoryWriter() {
    }

    /** Each tensor on the next 64-byte boundary, in map order; empty tensors at offset 0. */
    static List<Placement> place(Map<String, Tensor> tensors) {
        List<Placement> placements = new ArrayList<>();
        long next = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("an initializer has an empty name; tensors are found by name");
            }
            GraphSectionWriter.requireRank(e.getValue().rank(), "tensor '" + e.getKey() + "'");
            long bytes = e.getValue().byteSize();
            if (bytes == 0) {
                placements.add(new Placement(e.getKey(), e.getValue(), 0));
                continue;
            }
            next = JqmFormat.align(next, JqmFormat.DATA_ALIGNMENT);
            placements.add(new Placement(e.getKey(), e.getValue(), next));
            next += bytes;
        }
        return placements;
    }

    /** Length of the DATA section: the end of its last tensor. */
    static long dataBytes(List<Placement> placements) {
        long end = 0;
        for (Placement p : placements) {
            end = Math.max(end, p.dataOffset() + p.tensor().byteSize());
        }
        return end;
    }

    static SectionBuffer encode(List<Placement> placements, Map<String, QuantizationDescriptor> quantization) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < placements.size(); i++) {
            index.put(placements.get(i).name(), i);
        }
        SectionBuffer out = new SectionBuffer("TENSOR_DIRECTORY");
        out.count(placements.size(), "tensors");
        for (Placement p : placements) {
            Tensor t = p.tensor();
            out.string(p.name(), "tensor name");
            out.u32(t.dtype().code()).u32(t.rank());
            for (long d : t.shape()) {
                out.i64(d);
            }
            out.i64(p.dataOffset()).i64(t.byteSize());
            QuantizationDescriptor q = quantization.get(p.name());
            if (q == null) {
                plainDescriptor(out, t.shape());
            } else {
                descriptor(out, q, index);
            }
        }
        return out;
    }

    private static void plainDescriptor(SectionBuffer out, long[] shape) {
        out.u32(QuantizationDescriptor.Scheme.NONE.code()).u32(0).u32(0).u32(QuantizationDescriptor.PER_TENSOR).u32(0);
        out.u32(JqmFormat.NO_TENSOR).u32(JqmFormat.NO_TENSOR).u32(JqmFormat.NO_TENSOR);
        out.u32(QuantizationDescriptor.Sparsity.Layout.DENSE.code()).u32(0).u32(0);
        out.u32(JqmFormat.NO_TENSOR).u32(JqmFormat.NO_TENSOR);
        logicalShape(out, shape);
    }

    private static void descriptor(SectionBuffer out, QuantizationDescriptor q, Map<String, Integer> index) {
        out.u32(q.scheme().code()).u32(q.bits()).u32(q.signed() ? 1 : 0).u32(q.axis()).u32(q.groupSize());
        out.u32(ref(q.scale(), index)).u32(ref(q.zeroPoint(), index)).u32(ref(q.codebook(), index));
        QuantizationDescriptor.Sparsity s = q.sparsity();
        out.u32(s.layout().code()).u32(s.n()).u32(s.m());
        out.u32(ref(s.indices(), index)).u32(ref(s.rowPointers(), index));
        logicalShape(out, q.logicalShape());
    }

    private static void logicalShape(SectionBuffer out, long[] shape) {
        out.u32(shape.length);
        for (long d : shape) {
            out.i64(d);
        }
    }

    /** Directory index of a referenced tensor; {@link QuantizationDescriptor#validate} has checked it exists. */
    private static int ref(String name, Map<String, Integer> index) {
        return name == null ? JqmFormat.NO_TENSOR : index.get(name);
    }
}
