#!/usr/bin/env python3
"""Writes a one-node QLinearConv model (ONNX Runtime's quantized CNN form) for `jquant bench`.

uint8 x [1, 32, 56, 56] with zero point 128, int8 weights [64, 32, 3, 3] within +-64 (reduced range, as ONNX
Runtime quantizes for AVX2), one scale per output channel, an int32 bias, y requantized to uint8; pads 1.
Needs python3-onnx (Debian). Usage, from the repository root:

    python3 bench/scripts/qlinearconv-onnx.py /tmp/qlinearconv.onnx
    ./jquant compress /tmp/qlinearconv.onnx -o /tmp/qlinearconv.jqm
    ./jquant bench /tmp/qlinearconv.jqm --onnx /tmp/qlinearconv.onnx --threads 1,2
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

CHANNELS, FILTERS, SIZE = 32, 64, 56


def main(path):
    rng = np.random.default_rng(2)
    parameters = {
        "x_scale": np.array(1 / 255, dtype=np.float32),
        "x_zero_point": np.array(128, dtype=np.uint8),
        "w": rng.integers(-64, 65, size=(FILTERS, CHANNELS, 3, 3)).astype(np.int8),
        "w_scale": (0.002 + 0.002 * rng.random(FILTERS)).astype(np.float32),
        "w_zero_point": np.zeros(FILTERS, dtype=np.int8),
        "y_scale": np.array(0.05, dtype=np.float32),
        "y_zero_point": np.array(128, dtype=np.uint8),
        "b": rng.integers(-5000, 5001, size=FILTERS).astype(np.int32),
    }
    node = helper.make_node("QLinearConv", ["x", *parameters], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    graph = helper.make_graph(
        [node], "qlinearconv",
        [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, CHANNELS, SIZE, SIZE])],
        [helper.make_tensor_value_info("y", TensorProto.UINT8, [1, FILTERS, SIZE, SIZE])],
        [numpy_helper.from_array(v, name) for name, v in parameters.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "qlinearconv.onnx")
