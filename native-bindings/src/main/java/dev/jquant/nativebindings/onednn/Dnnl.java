package dev.jquant.nativebindings.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/** Status checks and small facts about oneDNN's C API. */
final class Dnnl {

    private Dnnl() {
    }

    /** Throws unless {@code status} is success; {@code what} names the call, e.g. "matmul primitive descriptor". */
    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed: " + statusName(status));
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case dnnl_out_of_memory -> "out of memory";
            case dnnl_invalid_arguments -> "invalid arguments";
            case dnnl_unimplemented -> "unimplemented (no implementation for these shapes and attributes)";
            case dnnl_last_impl_reached -> "last implementation reached";
            case dnnl_runtime_error -> "runtime error";
            case dnnl_not_required -> "not required";
            default -> "status " + status;
        };
    }

    /** Row-major (C order) element strides of {@code dims}. */
    static long[] rowMajorStrides(long[] dims) {
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int d = dims.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= Math.max(dims[d], 1);
        }
        return strides;
    }

    /**
     * The element strides of {@code dims} ({@code [N, C, D1..Dr]}) laid out channels-last, {@code [N, D1..Dr, C]}:
     * the activation layout oneDNN's convolution kernels read fastest on x86 (int8 ones read no other).
     */
    static long[] channelsLastStrides(long[] dims) {
        long[] strides = new long[dims.length];
        strides[1] = 1;
        long stride = Math.max(dims[1], 1);
        for (int d = dims.length - 1; d >= 2; d--) {
            strides[d] = stride;
            stride *= Math.max(dims[d], 1);
        }
        strides[0] = stride;
        return strides;
    }

    /** The execution-argument id of the {@code src1} operand of the binary post-op at {@code index} in the chain. */
    static int binaryPostOpArgument(int index) {
        return DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (index + 1) | DNNL_ARG_SRC_1;
    }

    /** The implementation oneDNN chose, e.g. {@code brg_matmul:avx2}. */
    static String implementation(dnnl_primitive_desc pd) {
        try (PointerPointer<Pointer> info = new PointerPointer<>(1)) {
            check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, info), "implementation query");
            return info.getString(0);
        }
    }
}
