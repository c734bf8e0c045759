package dev.jquant.runtime.ops;

import java.util.Map;

/** Data-movement and shape operators: Reshape, Transpose, Concat, Slice, Gather, Shape, Pad, Resize and friends. */
final class TensorOperators {
    private TensorOperators() {
    }

    static void registerAll(Map<String, OperatorFactory> into) {
        into.put("Concat", (node, opset) -> new Concat());
        into.put("Constant", (node, opset) -> new Constant());
        into.put("ConstantOfShape", (node, opset) -> new ConstantOfShape());
        into.put("Dropout", (node, opset) -> new Dropout());
        into.put("Expand", (node, opset) -> new Expand());
        into.put("Flatten", (node, opset) -> new Flatten());
        into.put("Gather", (node, opset) -> new Gather());
        into.put("Identity", (node, opset) -> new Identity());
        into.put("Pad", (node, opset) -> new Pad());
        into.put("Range", (node, opset) -> new Range());
        into.put("Reshape", (node, opset) -> new Reshape());
        into.put("Resize", (node, opset) -> new Resize());
        into.put("Shape", (node, opset) -> new Shape());
        into.put("Slice", (node, opset) -> new Slice());
        into.put("Split", (node, opset) -> new Split());
        into.put("Squeeze", (node, opset) -> new Squeeze());
        into.put("Tile", (node, opset) -> new Tile());
        into.put("Transpose", (node, opset) -> new Transpose());
        into.put("Unsqueeze", (node, opset) -> new Unsqueeze());
    }
}
