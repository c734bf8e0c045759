package dev.jquant.runtime.format;

import dev.jquant.runtime.format.GraphSectionReader.GraphSection;
import dev.jquant.runtime.format.TensorDirectoryReader.Directory;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import java.util.Map;

/**
 * Opens {@code .jqm} files: maps them read-only, validates header, section table, checksums, signature
 * and every section, and returns a {@link JqmFile} whose tensors view the mapping without copying.
 * The file is treated as hostile; anything wrong is a {@link ModelFormatException} naming the byte offset
 * and the field.
 */
public final class JqmReader {

    /**
     * How much to check.
     *
     * @param verifyChecksums recompute every CRC32C (reads the whole file once); true by default
     * @param trustedPublicKey an Ed25519 key; when set, a file that is unsigned or whose signature does
     *        not verify with it is refused. Checksums must then be verified, since the signature covers the
     *        header and table, which records them, and each section through its SHA-256.
     */
    public record Options(boolean verifyChecksums, PublicKey trustedPublicKey) {

        public Options {
            if (trustedPublicKey != null) {
                if (!(trustedPublicKey instanceof EdECKey ed) || !"Ed25519".equals(ed.getParams().getName())) {
                    throw new IllegalArgumentException("trustedPublicKey must be an Ed25519 key, was "
                            + trustedPublicKey.getAlgorithm());
                }
                if (!verifyChecksums) {
                    throw new IllegalArgumentException("verifyChecksums cannot be false with a trustedPublicKey:"
                            + " a signature that is checked must cover every byte it vouches for");
                }
            }
        }

        public static Options defaults() {
            return new Options(true, null);
        }

        public Options withVerifyChecksums(boolean verify) {
            return new Options(verify, trustedPublicKey);
        }

        public Options withTrustedPublicKey(PublicKey key) {
            return new Options(verifyChecksums, key);
        }
    }

    private JqmReader() {
    }

    /** Opens {@code file}, verifying every checksum; signatures are reported but not checked. */
    public static JqmFile open(Path file) throws IOException {
        return open(file, Options.defaults());
    }

    public static JqmFile open(Path file, Options options) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < JqmFormat.HEADER_BYTES) {
                throw new ModelFormatException(file, 0, "header", "the file is " + size
                        + " bytes, shorter than the " + JqmFormat.HEADER_BYTES + "-byte header of a .jqm file");
            }
            MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return read(file, mapped, options, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static JqmFile read(Path file, MemorySegment mapped, Options options, Arena arena)
            throws ModelFormatException {
        SectionTable table = SectionTable.read(file, mapped, options.verifyChecksums());
        SignatureStatus signature = SignatureCheck.check(file, mapped, table, options.trustedPublicKey());
        boolean newer = table.newerMinor();
        Map<String, String> metadata = GraphSectionReader.readMetadata(cursor(file, mapped, table, SectionKind.METADATA), newer);
        GraphSection g = GraphSectionReader.readGraph(cursor(file, mapped, table, SectionKind.GRAPH), newer);
        SectionInfo data = table.known().get(SectionKind.DATA);
        Directory directory = TensorDirectoryReader.read(cursor(file, mapped, table, SectionKind.TENSOR_DIRECTORY),
                mapped.asSlice(data.offsetBytes(), data.lengthBytes()), newer);
        Graph graph = new Graph(g.name(), g.opset(), g.inputs(), g.outputs(), g.nodes(), directory.tensors(), metadata);
        return new JqmFile(file, mapped.byteSize(), table.major(), table.minor(), table.sections(), signature, graph,
                directory.quantization(), arena);
    }

    private static SectionCursor cursor(Path file, MemorySegment mapped, SectionTable table, SectionKind kind) {
        SectionInfo s = table.known().get(kind);
        return new SectionCursor(file, mapped.asSlice(s.offsetBytes(), s.lengthBytes()), s.offsetBytes());
    }
}
