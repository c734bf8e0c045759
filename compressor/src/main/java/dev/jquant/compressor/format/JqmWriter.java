package dev.jquant.compressor.format;

import static dev.jquant.runtime.format.JqmFormat.*;

import dev.jquant.compressor.format.SectionOutput.Written;
import dev.jquant.compressor.format.TensorDirectoryWriter.Placement;
import dev.jquant.runtime.format.JqmSignature;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.format.SectionKind;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.interfaces.EdECKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes a graph as a {@code .jqm} file (docs/format.md): header, section table, METADATA, GRAPH,
 * TENSOR_DIRECTORY, DATA with each initializer on a 64-byte boundary of the file, and an optional
 * Ed25519 SIGNATURE. The file is written to a temporary sibling and renamed over the target, so readers
 * see either the old file or the complete new one.
 */
public final class JqmWriter {

    /**
     * @param signingKey an Ed25519 private key to sign the file with, or null for an unsigned file
     * @param quantization descriptors of the initializers that hold codes rather than values, by tensor
     *        name; tensors not named here are plain
     */
    public record Options(PrivateKey signingKey, Map<String, QuantizationDescriptor> quantization) {

        public Options {
            if (signingKey != null
                    && (!(signingKey instanceof EdECKey ed) || !"Ed25519".equals(ed.getParams().getName()))) {
                throw new IllegalArgumentException("signingKey must be an Ed25519 key, was " + signingKey.getAlgorithm());
            }
            quantization = Collections.unmodifiableMap(new LinkedHashMap<>(quantization));
        }

        public static Options defaults() {
            return new Options(null, Map.of());
        }

        public Options withSigningKey(PrivateKey key) {
            return new Options(key, quantization);
        }

        public Options withQuantization(String tensorName, QuantizationDescriptor descriptor) {
            Map<String, QuantizationDescriptor> m = new LinkedHashMap<>(quantization);
            m.put(tensorName, descriptor);
            return new Options(signingKey, m);
        }
    }

    private static final int SIGNATURE_SECTION_BYTES = SIGNATURE_PREFIX_BYTES + ED25519_SIGNATURE_BYTES;

    private JqmWriter() {
    }

    public static void write(Graph graph, Path out) throws IOException {
        write(graph, out, Options.defaults());
    }

    /**
     * @throws IllegalArgumentException if the graph cannot be represented (a rank above 64, a null
     *         string, an empty tensor name) or a quantization descriptor does not fit its tensors
     */
    public static void write(Graph graph, Path out, Options options) throws IOException {
        validateQuantization(graph, options.quantization());
        SectionBuffer metadata = GraphSectionWriter.metadata(graph.metadata());
        SectionBuffer graphSection = GraphSectionWriter.graph(graph);
        List<Placement> placements = TensorDirectoryWriter.place(graph.initializers());
        SectionBuffer directory = TensorDirectoryWriter.encode(placements, options.quantization());

        Path target = out.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + System.nanoTime() + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFile(channel, options.signingKey(), metadata, graphSection, directory, placements);
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void writeFile(FileChannel channel, PrivateKey signingKey, SectionBuffer metadata,
            SectionBuffer graph, SectionBuffer directory, List<Placement> placements) throws IOException {
        boolean signed = signingKey != null;
        int sectionCount = signed ? 5 : 4;
        SectionOutput out = new SectionOutput(channel, signed);
        // The header and table go in last, once every checksum is known.
        out.padTo(align(HEADER_BYTES + (long) sectionCount * SECTION_ENTRY_BYTES, SECTION_ALIGNMENT));
        List<Written> sections = new ArrayList<>();
        sections.add(out.section(SectionKind.METADATA, metadata));
        out.padTo(align(out.position(), SECTION_ALIGNMENT));
        sections.add(out.section(SectionKind.GRAPH, graph));
        out.padTo(align(out.position(), SECTION_ALIGNMENT));
        sections.add(out.section(SectionKind.TENSOR_DIRECTORY, directory));
        out.padTo(align(out.position(), DATA_ALIGNMENT));
        long dataStart = out.position();
        out.begin();
        for (Placement p : placements) {
            if (p.tensor().byteSize() > 0) {
                out.padTo(dataStart + p.dataOffset());
                out.write(p.tensor().data());
            }
        }
        sections.add(out.end(SectionKind.DATA));

        long signatureOffset = align(out.position(), SECTION_ALIGNMENT);
        long fileSize = signed ? signatureOffset + SIGNATURE_SECTION_BYTES : out.position();
        SectionBuffer header = header(fileSize, sectionCount);
        SectionBuffer table = new SectionBuffer("section table");
        for (Written w : sections) {
            table.u32(w.kind().code()).u32(w.crc32c()).i64(w.offset()).i64(w.length());
        }
        if (signed) {
            // The signature's own CRC is zero in the signed message and filled in afterwards.
            table.u32(SectionKind.SIGNATURE.code()).u32(0).i64(signatureOffset).i64(SIGNATURE_SECTION_BYTES);
            byte[] message = JqmSignature.message(header.segment(), table.segment(), SECTION_ENTRY_BYTES,
                    sections.stream().map(Written::sha256).toList());
            SectionBuffer signature = new SectionBuffer("SIGNATURE").u32(SIGNATURE_ED25519)
                    .u32(ED25519_SIGNATURE_BYTES).bytes(MemorySegment.ofArray(sign(signingKey, message)));
            out.padTo(signatureOffset);
            Written w = out.section(SectionKind.SIGNATURE, signature);
            table.setU32(sections.size() * SECTION_ENTRY_BYTES + ENTRY_CRC_OFFSET, w.crc32c());
        }
        CRC32C crc = new CRC32C();
        crc.update(header.segment().asByteBuffer());
        crc.update(table.segment().asByteBuffer());
        header.u32((int) crc.getValue());
        channel.write(header.segment().asByteBuffer(), 0);
        channel.write(table.segment().asByteBuffer(), HEADER_BYTES);
    }

    /** The first 60 header bytes; the CRC that completes it covers them and the table. */
    private static SectionBuffer header(long fileSize, int sectionCount) {
        return new SectionBuffer("header").i64(MAGIC).u16(MAJOR_VERSION).u16(MINOR_VERSION).u32(0)
                .i64(fileSize).i64(HEADER_BYTES).u32(sectionCount).u32(SECTION_ENTRY_BYTES)
                .zeros(HEADER_CRC_OFFSET - RESERVED_OFFSET);
    }

    private static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with the given Ed25519 key: " + e.getMessage(), e);
        }
    }

    private static void validateQuantization(Graph graph, Map<String, QuantizationDescriptor> quantization) {
        for (Map.Entry<String, QuantizationDescriptor> e : quantization.entrySet()) {
            if (!graph.initializers().containsKey(e.getKey())) {
                throw new IllegalArgumentException("quantization given for '" + e.getKey()
                        + "', which is not an initializer; initializers: " + graph.initializers().keySet());
            }
            try {
                e.getValue().validate(e.getKey(), graph.initializers(), quantization.keySet());
            } catch (IllegalArgumentException problem) {
                throw new IllegalArgumentException("quantization of tensor '" + e.getKey() + "': "
                        + problem.getMessage(), problem);
            }
        }
    }
}
