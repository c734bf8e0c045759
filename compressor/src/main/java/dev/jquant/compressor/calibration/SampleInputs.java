package dev.jquant.compressor.calibration;

import dev.jquant.compressor.io.Npy;
import dev.jquant.runtime.DType;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.Dim;
import dev.jquant.runtime.graph.ValueInfo;
import java.util.Arrays;
import java.util.List;

/** Checks a sample tensor against the graph input it is meant for, so a bad sample is named before the run. */
final class SampleInputs {

    private SampleInputs() {
    }

    /** Why {@code tensor} cannot feed {@code input}, or null when it can. */
    static String mismatch(ValueInfo input, Tensor tensor) {
        if (tensor.dtype() != input.dtype()) {
            return "graph input " + input + " needs " + input.dtype() + ", the sample holds " + tensor.dtype()
                    + conversionHint(input.dtype());
        }
        if (!input.hasShape()) {
            return null;
        }
        List<Dim> dims = input.shape();
        if (tensor.rank() != dims.size()) {
            return "graph input " + input + " needs rank " + dims.size() + ", the sample has shape "
                    + Arrays.toString(tensor.shape());
        }
        for (int d = 0; d < dims.size(); d++) {
            if (dims.get(d).isFixed() && dims.get(d).size() != tensor.dim(d)) {
                return "graph input " + input + " needs dimension " + d + " to be " + dims.get(d).size()
                        + ", the sample has shape " + Arrays.toString(tensor.shape());
            }
        }
        return null;
    }

    private static String conversionHint(DType needed) {
        try {
            return " (convert it with arr.astype('" + Npy.descrOf(needed) + "'))";
        } catch (IllegalArgumentException noNumpyType) {
            return "";
        }
    }

    /** The names of {@code inputs}, for "expected one of" messages. */
    static List<String> names(List<ValueInfo> inputs) {
        return inputs.stream().map(ValueInfo::name).toList();
    }
}
