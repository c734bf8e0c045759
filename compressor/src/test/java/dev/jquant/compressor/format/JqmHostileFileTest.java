package dev.jquant.compressor.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.compressor.format.SampleGraphs.Quantized;
import dev.jquant.runtime.format.JqmFile;
import dev.jquant.runtime.format.JqmFormat;
import dev.jquant.runtime.format.JqmReader;
import dev.jquant.runtime.format.ModelFormatException;
import dev.jquant.runtime.format.QuantizationDescriptor;
import dev.jquant.runtime.format.SectionKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and malicious files: every one must be refused with a {@link ModelFormatException} that names
 * the field, and nothing else may escape (no IndexOutOfBounds, NegativeArraySize, OutOfMemoryError...).
 * Mutations that must get past the checksums to reach deeper validation recompute them.
 */
class JqmHostileFileTest {

    /** Far below what any absurd count or size in these files would make a careless reader allocate. */
    private static final long ALLOCATION_LIMIT_BYTES = 64L << 20;

    // Offsets inside a directory entry, from the end of its name, for a tensor of rank r.
    private static final int DTYPE = 0;
    private static final int DIMS = 8;

    private static long dataOffsetField(int rank) {
        return 8 + 8L * rank;
    }

    private static long dataLengthField(int rank) {
        return 16 + 8L * rank;
    }

    private static long descriptorField(int rank) {
        return 24 + 8L * rank;
    }

    @TempDir
    Path dir;

    private JqmBytes mixed;
    private JqmBytes quantized;
    private int fileCounter;
    private final AllocationMeter meter = new AllocationMeter();

    @BeforeEach
    void writeFiles() throws IOException {
        Path file = dir.resolve("mixed.jqm");
        JqmWriter.write(SampleGraphs.mixed(), file);
        mixed = JqmBytes.of(file);
        Quantized q = SampleGraphs.quantized();
        JqmWriter.Options options = JqmWriter.Options.defaults();
        for (Map.Entry<String, QuantizationDescriptor> e : q.descriptors().entrySet()) {
            options = options.withQuantization(e.getKey(), e.getValue());
        }
        Path qfile = dir.resolve("quantized.jqm");
        JqmWriter.write(q.graph(), qfile, options);
        quantized = JqmBytes.of(qfile);
    }

    /**
     * Opens the bytes (cut to {@code length}) and returns the format error, failing on success, on any
     * other throwable, on a message that does not name the field, or on a large heap allocation.
     */
    private ModelFormatException refused(JqmBytes bytes, int length) throws IOException {
        Path file = bytes.write(dir.resolve("hostile-" + fileCounter++ + ".jqm"), length);
        long before = meter.allocatedBytes();
        Throwable thrown = null;
        try {
            JqmReader.open(file).close();
        } catch (Throwable t) {
            thrown = t;
        }
        long allocated = meter.allocatedBytes() - before;
        if (!(thrown instanceof ModelFormatException e)) {
            throw new AssertionError(thrown == null ? "opened a damaged file"
                    : "a damaged file must fail with ModelFormatException, not " + thrown, thrown);
        }
        assertTrue(allocated < ALLOCATION_LIMIT_BYTES, "allocated " + allocated + " bytes refusing: " + e.getMessage());
        assertTrue(!e.field().isBlank() && e.getMessage().contains(": " + e.field() + ": "), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= length, e.getMessage());
        Files.delete(file);
        return e;
    }

    private ModelFormatException refused(JqmBytes bytes) throws IOException {
        return refused(bytes, bytes.bytes.length);
    }

    private void assertRefused(JqmBytes bytes, String field, String problem) throws IOException {
        ModelFormatException e = refused(bytes);
        assertTrue(e.field().contains(field), "field '" + e.field() + "' should name " + field + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), "message should say '" + problem + "': " + e.getMessage());
    }

    // ---- truncation and bit flips: the checksums and the declared file size catch them ----

    @Test
    void truncationAtEveryOffsetIsRefused() throws IOException {
        long structureEnd = mixed.sectionOffset(SectionKind.DATA) + 64;
        int size = mixed.bytes.length;
        int checked = 0;
        for (int length = 0; length < size; length += length < structureEnd ? 1 : 7) {
            ModelFormatException e = refused(mixed, length);
            if (length < JqmFormat.HEADER_BYTES) {
                assertEquals("header", e.field(), e.getMessage());
            } else {
                assertEquals("header.fileSize", e.field(), e.getMessage());
                assertTrue(e.getMessage().contains("the file has " + length + " (truncated)"), e.getMessage());
            }
            checked++;
        }
        refused(mixed, size - 1);
        assertTrue(checked > 500, "checked " + checked + " lengths");
    }

    @Test
    void truncationWithARepairedHeaderIsRefusedByTheSectionBounds() throws IOException {
        int size = mixed.bytes.length;
        for (int length = (int) mixed.sectionOffset(SectionKind.METADATA); length < size; length += 3) {
            JqmBytes cut = mixed.copy();
            cut.setI64(JqmFormat.FILE_SIZE_OFFSET, length).fixHeaderChecksum();
            ModelFormatException e = refused(cut, length);
            assertTrue(e.field().startsWith("section table entry"), e.getMessage());
        }
    }

    @Test
    void aFlippedBitAnywhereIsCaughtByTheChecksumOfItsSection() throws IOException {
        long dataStart = mixed.sectionOffset(SectionKind.DATA);
        int checked = 0;
        for (long at = 0; at < mixed.bytes.length; at += at < dataStart + 64 ? 1 : 5) {
            SectionKind section = mixed.sectionAt(at);
            if (section == null && at >= mixed.tableEnd()) {
                continue; // zero padding between sections, covered by no checksum and never read
            }
            ModelFormatException e = refused(mixed.copy().flipBit(at, (int) (at % 8)));
            String expected = section == null ? "header" : "section " + section;
            assertTrue(e.field().startsWith(expected), "flip at " + at + ": " + e.getMessage());
            if (section != null) {
                assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
                assertEquals(mixed.sectionOffset(section), e.offset(), e.getMessage());
            }
            checked++;
        }
        assertTrue(checked > 500, "checked " + checked + " offsets");
    }

    @Test
    void everyBitOfTheHeaderMatters() throws IOException {
        for (int at = 0; at < JqmFormat.HEADER_BYTES; at++) {
            for (int bit = 0; bit < 8; bit++) {
                assertTrue(refused(mixed.copy().flipBit(at, bit)).field().startsWith("header"));
            }
        }
    }

    @Test
    void tinyAndForeignFilesAreRefused() throws IOException {
        assertRefused(new JqmBytes(new byte[0]), "header", "shorter than the 64-byte header");
        assertRefused(new JqmBytes(new byte[10]), "header", "shorter than the 64-byte header");
        byte[] text = "{\"this\": \"is JSON, not a model, but it is long enough to have a header\"}".getBytes();
        ModelFormatException e = refused(new JqmBytes(text));
        assertEquals("header.magic", e.field());
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("not a .jqm file"), e.getMessage());
    }

    @Test
    void wrongMagicIsRefused() throws IOException {
        JqmBytes b = mixed.copy();
        b.bytes[0] = 'G';
        assertRefused(b, "header.magic", "expected 89 4A 51 4D 0D 0A 1A 0A");
    }

    @Test
    void aNewerMajorVersionIsRefusedAndOlderOrZeroToo() throws IOException {
        ModelFormatException e = refused(mixed.copy().setU32(JqmFormat.MAJOR_OFFSET, 2 | (3 << 16)).fixHeaderChecksum());
        assertEquals("header.majorVersion", e.field());
        assertEquals(JqmFormat.MAJOR_OFFSET, e.offset());
        assertTrue(e.getMessage().contains("format version 2.3") && e.getMessage().contains("newer"), e.getMessage());
        assertRefused(mixed.copy().setU32(JqmFormat.MAJOR_OFFSET, 0).fixHeaderChecksum(), "header.majorVersion",
                "reads major version 1 only");
    }

    @Test
    void aNewerMinorVersionIsReadAndItsUnknownSectionsFlagsAndReservedBytesIgnored() throws IOException {
        JqmBytes newer = withExtraSection(mixed, 77);
        newer.setU32(JqmFormat.MAJOR_OFFSET, JqmFormat.MAJOR_VERSION | (1 << 16)); // version 1.1
        newer.setU32(JqmFormat.FLAGS_OFFSET, 0x8000_0000).setU32(JqmFormat.RESERVED_OFFSET, 42).fixChecksums();
        Path file = newer.write(dir.resolve("newer-minor.jqm"));
        try (JqmFile jqm = JqmReader.open(file)) {
            assertEquals(1, jqm.minorVersion());
            assertEquals("unknown kind 77", jqm.sections().getLast().kindName());
            GraphAssertions.assertGraphEquals(SampleGraphs.mixed(), jqm.graph());
        }
        // the same additions in a 1.0 file are errors
        JqmBytes current = withExtraSection(mixed, 77).fixChecksums();
        assertRefused(current, "section table entry 4 (unknown kind 77).kind", "unknown section kind 77");
        assertRefused(mixed.copy().setU32(JqmFormat.FLAGS_OFFSET, 1).fixHeaderChecksum(), "header.flags",
                "defines no flags");
        assertRefused(mixed.copy().setU32(JqmFormat.RESERVED_OFFSET + 4, 1).fixHeaderChecksum(), "header.reserved",
                "must be zero");
    }

    /** Moves the section table to the end of the file and adds an entry of {@code kind} over 16 new bytes. */
    private static JqmBytes withExtraSection(JqmBytes original, int kind) {
        int size = original.bytes.length;
        int extraAt = (size + 7) & -8;
        int tableAt = extraAt + 16;
        int count = original.sectionCount();
        byte[] grown = new byte[tableAt + (count + 1) * JqmFormat.SECTION_ENTRY_BYTES];
        System.arraycopy(original.bytes, 0, grown, 0, size);
        System.arraycopy(original.bytes, JqmFormat.HEADER_BYTES, grown, tableAt, count * JqmFormat.SECTION_ENTRY_BYTES);
        JqmBytes b = new JqmBytes(grown);
        long entry = tableAt + (long) count * JqmFormat.SECTION_ENTRY_BYTES;
        b.setU32(entry, kind).setI64(entry + 8, extraAt).setI64(entry + 16, 16);
        b.setI64(JqmFormat.TABLE_OFFSET_OFFSET, tableAt).setU32(JqmFormat.SECTION_COUNT_OFFSET, count + 1);
        return b.setI64(JqmFormat.FILE_SIZE_OFFSET, grown.length);
    }

    // ---- the section table ----

    @Test
    void sectionsPastTheEndOfTheFileAreRefused() throws IOException {
        long graphEntry = mixed.entry(SectionKind.GRAPH);
        long size = mixed.bytes.length;
        assertRefused(mixed.copy().setI64(graphEntry + 8, size + 8).fixHeaderChecksum(),
                "section table entry 1 (GRAPH).offset", "inside the file");
        assertRefused(mixed.copy().setI64(graphEntry + 8, -8).fixHeaderChecksum(),
                "section table entry 1 (GRAPH).offset", "18446744073709551608");
        assertRefused(mixed.copy().setI64(graphEntry + 16, size).fixHeaderChecksum(),
                "section table entry 1 (GRAPH).length", "past the end of the file");
        assertRefused(mixed.copy().setI64(graphEntry + 16, Long.MIN_VALUE).fixHeaderChecksum(),
                "section table entry 1 (GRAPH).length", "past the end of the file");
        // bounds are checked before the header CRC is, so these need no checksum repair
        assertRefused(mixed.copy().setI64(JqmFormat.TABLE_OFFSET_OFFSET, size + 64), "header.sectionTableOffset",
                "inside the file");
        assertRefused(mixed.copy().setU32(JqmFormat.SECTION_COUNT_OFFSET, 1000), "header.sectionCount",
                "run past the end of the file");
        assertRefused(mixed.copy().setU32(JqmFormat.SECTION_COUNT_OFFSET, -1), "header.sectionCount",
                "exceeds the limit of 1024 sections");
        assertRefused(mixed.copy().setU32(JqmFormat.ENTRY_BYTES_OFFSET, 32), "header.sectionEntryBytes", "must be 24");
    }

    @Test
    void overlappingMisalignedDuplicateAndMissingSectionsAreRefused() throws IOException {
        long metadata = mixed.entry(SectionKind.METADATA);
        long graph = mixed.entry(SectionKind.GRAPH);
        long data = mixed.entry(SectionKind.DATA);
        assertRefused(mixed.copy().setI64(graph + 8, mixed.i64(metadata + 8)).fixChecksums(),
                "(GRAPH).offset", "overlaps METADATA");
        assertRefused(mixed.copy().setI64(metadata + 8, 32).fixChecksums(), "(METADATA).offset", "overlaps the header");
        assertRefused(mixed.copy().setI64(metadata + 8, 64).fixChecksums(), "(METADATA).offset",
                "overlaps the section table");
        assertRefused(mixed.copy().setI64(metadata + 8, mixed.i64(metadata + 8) + 4).fixChecksums(),
                "(METADATA).offset", "must be a multiple of 8");
        assertRefused(mixed.copy().setI64(data + 8, mixed.i64(data + 8) + 8).setI64(data + 16, mixed.i64(data + 16) - 8)
                .fixChecksums(), "(DATA).offset", "is not a multiple of 64");
        assertRefused(mixed.copy().setU32(graph, SectionKind.METADATA.code()).fixChecksums(), "(METADATA).kind",
                "a second METADATA section");
        assertRefused(mixed.copy().setU32(graph, 0).fixChecksums(), "section table entry 1 (unknown kind 0).kind",
                "unknown section kind 0");
        assertRefused(mixed.copy().setU32(graph, SectionKind.SIGNATURE.code()).fixChecksums(), "section table",
                "no GRAPH section");
    }

    // ---- the tensor directory ----

    @Test
    void overlappingTensorsAreRefused() throws IOException {
        JqmBytes b = mixed.copy();
        long bias = b.after(SectionKind.TENSOR_DIRECTORY, "conv.bias");
        b.setI64(bias + dataOffsetField(1), 0).fixChecksums();
        assertRefused(b, "TENSOR_DIRECTORY entry 1 'conv.bias' dataOffset", "overlap TENSOR_DIRECTORY entry 0 'conv.weight'");
    }

    @Test
    void misplacedTensorsAreRefused() throws IOException {
        long bias = mixed.after(SectionKind.TENSOR_DIRECTORY, "conv.bias");
        assertRefused(mixed.copy().setI64(bias + dataOffsetField(1), 8).fixChecksums(), "'conv.bias' dataOffset",
                "is not a multiple of 64");
        long dataLength = mixed.sectionLength(SectionKind.DATA);
        assertRefused(mixed.copy().setI64(bias + dataOffsetField(1), (dataLength + 63) & -64).fixChecksums(),
                "'conv.bias' dataOffset", "past the end of the DATA section");
        assertRefused(mixed.copy().setI64(bias + dataOffsetField(1), -64).fixChecksums(), "'conv.bias' dataOffset",
                "exceeds any file size");
    }

    @Test
    void aShapeThatDisagreesWithTheByteLengthIsRefused() throws IOException {
        long bias = mixed.after(SectionKind.TENSOR_DIRECTORY, "conv.bias");
        assertRefused(mixed.copy().setI64(bias + DIMS, 9).fixChecksums(), "'conv.bias' dataLength",
                "32 bytes, but FLOAT32 of shape [9] needs 36");
        assertRefused(mixed.copy().setI64(bias + dataLengthField(1), 36).fixChecksums(), "'conv.bias' dataLength",
                "36 bytes, but FLOAT32 of shape [8] needs 32");
        // a different dtype of another width
        assertRefused(mixed.copy().setU32(bias + DTYPE, 11).fixChecksums(), "'conv.bias' dataLength",
                "needs 64");
    }

    @Test
    void absurdSizesAndCountsAreRefusedWithoutAllocating() throws IOException {
        long bias = mixed.after(SectionKind.TENSOR_DIRECTORY, "conv.bias");
        assertRefused(mixed.copy().setI64(bias + DIMS, 1L << 40).fixChecksums(), "'conv.bias' dataLength",
                "FLOAT32 of shape [1099511627776] needs 4398046511104");
        long weight = mixed.after(SectionKind.TENSOR_DIRECTORY, "conv.weight");
        assertRefused(mixed.copy().setI64(weight + DIMS, 1L << 40).setI64(weight + DIMS + 8, 1L << 40)
                .setI64(weight + DIMS + 16, 1L << 40).fixChecksums(), "'conv.weight' dims", "more than 2^63 elements");
        // a consistent but gigantic tensor: 2^60 bytes that the DATA section cannot hold
        JqmBytes huge = mixed.copy().setI64(bias + DIMS, 1L << 58).setI64(bias + dataLengthField(1), 1L << 60);
        assertRefused(huge.fixChecksums(), "'conv.bias' dataOffset", "past the end of the DATA section");
        assertRefused(mixed.copy().setU32(weight + 4, 1 << 20).fixChecksums(),
                "'conv.weight' rank", "exceeds the maximum rank 64");

        // string lengths: over the format's limit, and within it but past the section
        long graphStart = mixed.sectionOffset(SectionKind.GRAPH);
        assertRefused(mixed.copy().setU32(graphStart, Integer.MIN_VALUE).fixChecksums(), "GRAPH name",
                "string length 2147483648 exceeds the format's limit");
        assertRefused(mixed.copy().setU32(graphStart, 1 << 29).fixChecksums(), "GRAPH name",
                "string length 536870912 exceeds the");
        assertTrue(refused(mixed.copy().setU32(graphStart, 1 << 29).fixChecksums()).getMessage().contains("bytes left in the section"));
        // counts: over the limit, and within it but more than the bytes left could hold
        long metadataStart = mixed.sectionOffset(SectionKind.METADATA);
        assertRefused(mixed.copy().setU32(metadataStart, -1).fixChecksums(), "METADATA count",
                "4294967295 entries exceed the format's limit");
        assertRefused(mixed.copy().setU32(metadataStart, 1 << 28).fixChecksums(), "METADATA count",
                "268435456 entries of at least 8 bytes cannot fit");
        long pads = mixed.after(SectionKind.GRAPH, "pads") + 4;
        assertRefused(mixed.copy().setU32(pads, 1 << 27).fixChecksums(), "attribute 'pads' count", "cannot fit");
        long directoryStart = mixed.sectionOffset(SectionKind.TENSOR_DIRECTORY);
        assertRefused(mixed.copy().setU32(directoryStart, 1 << 30).fixChecksums(), "TENSOR_DIRECTORY count", "cannot fit");
        // output 'z': dtype, rank, dim 0 (tag, "batch"), dim 1 (tag, size), then the node count
        long nodeCount = mixed.after(SectionKind.GRAPH, "z") + 4 + 4 + (4 + 4 + 5) + (4 + 8);
        assertEquals(5, mixed.u32(nodeCount), "node count located");
        assertRefused(mixed.copy().setU32(nodeCount, 1 << 30).fixChecksums(), "GRAPH node count", "cannot fit");
    }

    @Test
    void negativeValuesAreRefused() throws IOException {
        long bias = mixed.after(SectionKind.TENSOR_DIRECTORY, "conv.bias");
        assertRefused(mixed.copy().setI64(bias + DIMS, -1).fixChecksums(), "'conv.bias' dims",
                "dimension 0 is -1; dimensions are >= 0");
        long x = mixed.after(SectionKind.GRAPH, "x");
        long fixedDim = mixed.after(SectionKind.GRAPH, "batch"); // x's dim 1 (fixed 3) follows its dim 0 'batch'
        assertEquals(3, mixed.i64(fixedDim + 4), "fixed dimension located");
        assertRefused(mixed.copy().setI64(fixedDim + 4, -5).fixChecksums(), "GRAPH input 0 'x' dim 1 size",
                "-5; fixed dimensions are >= 0");
        assertRefused(mixed.copy().setU32(x + 4, -2).fixChecksums(), "GRAPH input 0 'x' rank",
                "-2 must be -1 (undeclared) or 0..64");
        long alpha = mixed.after(SectionKind.GRAPH, "alpha");
        assertRefused(mixed.copy().setU32(alpha, -1).fixChecksums(), "attribute 'alpha' kind",
                "unknown attribute kind 4294967295");
        long opset = mixed.after(SectionKind.GRAPH, "tiny-net");
        assertRefused(mixed.copy().setU32(opset, 0).fixChecksums(), "GRAPH opset", "0 is not an ONNX opset");
    }

    @Test
    void unknownDtypesAreRefused() throws IOException {
        long bias = mixed.after(SectionKind.TENSOR_DIRECTORY, "conv.bias");
        ModelFormatException e = refused(mixed.copy().setU32(bias + DTYPE, 8).fixChecksums());
        assertTrue(e.field().endsWith("'conv.bias' dtype") && e.getMessage().contains("unknown dtype code 8; valid codes: 1 FLOAT32"),
                e.getMessage());
        assertEquals(bias + DTYPE, e.offset(), "offset of the dtype field");
        assertRefused(mixed.copy().setU32(bias + DTYPE, 0).fixChecksums(), "'conv.bias' dtype", "unknown dtype code 0");
        long x = mixed.after(SectionKind.GRAPH, "x");
        assertRefused(mixed.copy().setU32(x, 99).fixChecksums(), "GRAPH input 0 'x' dtype", "unknown dtype code 99");
        long value = mixed.after(SectionKind.GRAPH, "value") + 4; // TENSOR attribute: kind, then dtype
        assertRefused(mixed.copy().setU32(value, 0).fixChecksums(), "attribute 'value' dtype", "unknown dtype code 0");
    }

    @Test
    void unknownEnumValuesAreRefused() throws IOException {
        long alpha = mixed.after(SectionKind.GRAPH, "alpha");
        assertRefused(mixed.copy().setU32(alpha, 5).fixChecksums(), "node 1 'act' attribute 'alpha' kind",
                "unknown attribute kind 5; valid: [1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS, 8 STRINGS]");
        long x = mixed.after(SectionKind.GRAPH, "x");
        assertRefused(mixed.copy().setU32(x + 8, 2).fixChecksums(), "GRAPH input 0 'x' dim 0 tag", "unknown tag 2");
        // attribute kind changed to INTS: the float's bits become a count that the bytes left cannot hold
        assertRefused(mixed.copy().setU32(alpha, 7).setU32(alpha + 4, 0x0fff_ffff).fixChecksums(),
                "attribute 'alpha' count", "cannot fit");
    }

    @Test
    void malformedStringsDuplicateNamesAndTrailingBytesAreRefused() throws IOException {
        JqmBytes utf8 = mixed.copy();
        long producer = utf8.after(SectionKind.METADATA, "producer");
        utf8.bytes[(int) producer + 4] = (byte) 0xC3; // a UTF-8 lead byte followed by ASCII
        assertRefused(utf8.fixChecksums(), "METADATA entry 0 value", "is not valid UTF-8");

        assertRefused(rename(mixed, SectionKind.METADATA, "language", "producer"), "METADATA entry 1 key",
                "duplicate key 'producer'");
        assertRefused(rename(mixed, SectionKind.TENSOR_DIRECTORY, "empty", "bytes"),
                "TENSOR_DIRECTORY entry 6 'bytes' name", "duplicate of entry 3");
        assertRefused(rename(mixed, SectionKind.GRAPH, "no_ints", "strings"), "node 3 'custom' attribute 'strings'",
                "appears twice in the node");

        JqmBytes trailing = mixed.copy();
        long directoryStart = trailing.sectionOffset(SectionKind.TENSOR_DIRECTORY);
        trailing.setU32(directoryStart, trailing.u32(directoryStart) - 1).fixChecksums();
        assertRefused(trailing, "TENSOR_DIRECTORY", "unexpected bytes after the last field");
    }

    /** Renames a length-prefixed string to another of the same byte length. */
    private static JqmBytes rename(JqmBytes original, SectionKind section, String from, String to) {
        JqmBytes b = original.copy();
        byte[] name = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(from.length(), name.length);
        System.arraycopy(name, 0, b.bytes, (int) b.after(section, from) - name.length, name.length);
        return b.fixChecksums();
    }

    // ---- quantization descriptors ----

    @Test
    void quantizationDescriptorsAreValidatedOnRead() throws IOException {
        long wq = quantized.after(SectionKind.TENSOR_DIRECTORY, "wq") + descriptorField(2);
        assertRefused(quantized.copy().setU32(wq, 9).fixChecksums(), "'wq' quantization scheme",
                "unknown scheme 9; valid: [0 NONE, 1 LINEAR, 2 CODEBOOK]");
        assertRefused(quantized.copy().setU32(wq + 20, 1000).fixChecksums(), "'wq' quantization scale",
                "tensor index 1000 is not below the 13 directory entries");
        assertRefused(quantized.copy().setU32(wq + 8, 2).fixChecksums(), "'wq' quantization signed", "must be 0 or 1");
        assertRefused(quantized.copy().setU32(wq + 32, 3).fixChecksums(), "'wq' quantization sparsity", "unknown layout 3");
        assertRefused(quantized.copy().setU32(wq + 4, 17).fixChecksums(), "'wq' quantization", "bits: must be 1..16");
        assertRefused(quantized.copy().setU32(wq + 12, 2).fixChecksums(), "'wq' quantization", "axis: must be -1");
        assertRefused(quantized.copy().setU32(wq + 52, 65).fixChecksums(), "'wq' quantization logicalRank",
                "exceeds the maximum rank");
        assertRefused(quantized.copy().setU32(wq + 20, 0).fixChecksums(), "'wq' quantization",
                "scale: refers to the tensor it describes");
        assertRefused(quantized.copy().setU32(wq + 24, 3).fixChecksums(), "'wq' quantization",
                "zeroPoint: 'w4' has a descriptor itself");
        assertRefused(quantized.copy().setU32(wq + 12, 1).fixChecksums(), "'wq' quantization",
                "scale: shape [4] does not fit axis 1");
        assertRefused(quantized.copy().setI64(wq + 56, 5).fixChecksums(), "'wq' quantization",
                "stored tensor: holds 24 bytes; 30 codes of 8 bits need 30");

        long scale = quantized.after(SectionKind.TENSOR_DIRECTORY, "wq.scale") + descriptorField(1);
        assertRefused(quantized.copy().setU32(scale + 4, 3).fixChecksums(), "'wq.scale' quantization",
                "plain tensor): bits must be 0");
        assertRefused(quantized.copy().setI64(scale + 56, 5).fixChecksums(), "'wq.scale' quantization",
                "logical shape [5] must equal the stored shape [4]");
    }

    @Test
    void sparseIndicesAreCheckedBeforeAnyKernelUsesThem() throws IOException {
        // CSR column index 4 of the 3x5 matrix -> 5: out of range
        long columns = quantized.after(SectionKind.TENSOR_DIRECTORY, "ws.columns");
        long columnsData = quantized.sectionOffset(SectionKind.DATA) + quantized.i64(columns + dataOffsetField(1));
        assertEquals(4, quantized.i64(columnsData), "first column index located");
        assertRefused(quantized.copy().setI64(columnsData, 5).fixChecksums(), "'ws' quantization",
                "sparse indices: entry 0 (row 0) is column 5");
        JqmBytes rows = quantized.copy();
        long rowPointers = rows.after(SectionKind.TENSOR_DIRECTORY, "ws.rows");
        long rowData = rows.sectionOffset(SectionKind.DATA) + rows.i64(rowPointers + dataOffsetField(1));
        rows.setU32(rowData + 8, 4).fixChecksums(); // [0, 1, 4, 3]
        assertRefused(rows, "'ws' quantization", "sparse row pointers: row 1 spans [1, 4)");
        // 2:4 positions [0, 2, 1, 3] -> [2, 2, ...]: not increasing within the group
        long positions = quantized.after(SectionKind.TENSOR_DIRECTORY, "wn.positions");
        long positionData = quantized.sectionOffset(SectionKind.DATA) + quantized.i64(positions + dataOffsetField(1));
        JqmBytes nm = quantized.copy();
        nm.bytes[(int) positionData] = 2;
        assertRefused(nm.fixChecksums(), "'wn' quantization", "sparse indices: entry 1 is position 2");
    }

    // ---- anything else: random damage behind valid checksums ----

    @Test
    void randomDamageBehindValidChecksumsOnlyEverFailsAsAFormatError() throws IOException {
        Random random = new Random(20240601);
        int[] interesting = {0, 1, 0x7f, 0x80, 0xff, 0x40, 0x3f};
        for (JqmBytes original : new JqmBytes[] {mixed, quantized}) {
            long structureEnd = original.sectionOffset(SectionKind.DATA) + 64;
            for (int round = 0; round < 1500; round++) {
                JqmBytes b = original.copy();
                int edits = 1 + random.nextInt(4);
                for (int i = 0; i < edits; i++) {
                    int at = JqmFormat.HEADER_BYTES + random.nextInt((int) structureEnd - JqmFormat.HEADER_BYTES);
                    b.bytes[at] = (byte) (random.nextBoolean() ? interesting[random.nextInt(interesting.length)]
                            : random.nextInt(256));
                }
                try {
                    b.fixChecksums();
                } catch (IndexOutOfBoundsException e) {
                    continue; // the damage moved a section past the end; the plain truncation tests cover that
                }
                Path file = b.write(dir.resolve("fuzz.jqm"));
                try {
                    JqmReader.open(file).close(); // some edits are harmless: a name, a float, padding
                } catch (ModelFormatException e) {
                    assertTrue(e.getMessage().contains(": " + e.field() + ": "), e.getMessage());
                } catch (Throwable t) {
                    throw new AssertionError("round " + round + ": a damaged file must fail with ModelFormatException, not " + t, t);
                }
            }
        }
    }
}
