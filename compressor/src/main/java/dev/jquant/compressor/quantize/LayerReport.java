package dev.jquant.compressor.quantize;

import java.util.List;

/**
 * What quantization did to one weight.
 *
 * @param tensor the weight's name
 * @param nodes the nodes that read it
 * @param opType their op type
 * @param shape the weight's shape
 * @param scheme how it is stored, e.g. {@code int8 per channel}, {@code int4 g32}, {@code fp16}
 * @param bits bits per weight stored, scales and zero points included
 * @param bytesBefore FLOAT32 bytes
 * @param bytesAfter stored bytes
 * @param sqnrDb signal-to-quantization-noise ratio of the weights, in dB
 * @param cosine cosine similarity of the stored weights to the originals
 */
public record LayerReport(String tensor, List<String> nodes, String opType, long[] shape, String scheme, double bits,
        long bytesBefore, long bytesAfter, double sqnrDb, double cosine) {
}
