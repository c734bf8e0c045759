/**
 * The Java backend's operators, one per ONNX op type, each with a prepare step (validate, infer shapes,
 * reserve scratch) and an execute step (compute only). Hot loops live in {@code kernels-java}.
 */
package dev.jquant.runtime.ops;
