package dev.jquant.compressor.format;

import static dev.jquant.compressor.format.GraphAssertions.assertGraphEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jquant.runtime.format.JqmFile;
import dev.jquant.runtime.format.JqmFormat;
import dev.jquant.runtime.format.JqmReader;
import dev.jquant.runtime.format.ModelFormatException;
import dev.jquant.runtime.format.SectionKind;
import dev.jquant.runtime.format.SignatureStatus;
import dev.jquant.runtime.graph.Graph;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JqmSignatureTest {

    private static KeyPair signer;
    private static KeyPair stranger;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        signer = generator.generateKeyPair();
        stranger = generator.generateKeyPair();
    }

    private Path signedFile() throws IOException {
        Path file = dir.resolve("signed.jqm");
        JqmWriter.write(SampleGraphs.mixed(), file, JqmWriter.Options.defaults().withSigningKey(signer.getPrivate()));
        return file;
    }

    private static JqmReader.Options trusting(KeyPair keys) {
        return JqmReader.Options.defaults().withTrustedPublicKey(keys.getPublic());
    }

    @Test
    void aSignedFileVerifiesWithItsKey() throws IOException {
        Graph graph = SampleGraphs.mixed();
        Path file = signedFile();
        try (JqmFile jqm = JqmReader.open(file, trusting(signer))) {
            assertEquals(SignatureStatus.VERIFIED, jqm.signature());
            assertGraphEquals(graph, jqm.graph());
            assertEquals(SectionKind.SIGNATURE, jqm.sections().getLast().kind().orElseThrow());
        }
        try (JqmFile jqm = JqmReader.open(file)) {
            assertEquals(SignatureStatus.PRESENT_NOT_CHECKED, jqm.signature());
        }
    }

    @Test
    void anotherKeyIsRejected() throws IOException {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> JqmReader.open(signedFile(), trusting(stranger)));
        assertEquals("signature", e.field());
        assertTrue(e.getMessage().contains("does not verify with the trusted public key"), e.getMessage());
    }

    @Test
    void anUnsignedFileIsRejectedWhenAKeyIsTrusted() throws IOException {
        Path file = dir.resolve("unsigned.jqm");
        JqmWriter.write(SampleGraphs.mixed(), file);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> JqmReader.open(file, trusting(signer)));
        assertEquals("signature", e.field());
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
    }

    /** CRC32C is no defence against intent: a tamperer recomputes it. The SHA-256 in the signed message is. */
    @Test
    void tensorBytesChangedWithChecksumsRecomputedAreRejected() throws IOException {
        JqmBytes bytes = JqmBytes.of(signedFile());
        bytes.flipBit(bytes.sectionOffset(SectionKind.DATA) + 5, 3).fixChecksums();
        Path tampered = bytes.write(dir.resolve("tampered-data.jqm"));
        try (JqmFile unchecked = JqmReader.open(tampered)) {
            assertEquals(SignatureStatus.PRESENT_NOT_CHECKED, unchecked.signature(), "the checksums alone pass");
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> JqmReader.open(tampered, trusting(signer)));
        assertEquals("signature", e.field());
    }

    @Test
    void metadataOrGraphChangedWithChecksumsRecomputedAreRejected() throws IOException {
        JqmBytes original = JqmBytes.of(signedFile());
        JqmBytes meta = original.copy();
        long producer = meta.after(SectionKind.METADATA, "producer");
        meta.bytes[(int) producer + 4] = 'J'; // "jquant test" -> "Jquant test"
        Path file = meta.fixChecksums().write(dir.resolve("tampered-meta.jqm"));
        assertEquals("signature", assertThrows(ModelFormatException.class,
                () -> JqmReader.open(file, trusting(signer))).field());

        JqmBytes graph = original.copy();
        long alpha = graph.after(SectionKind.GRAPH, "alpha") + 4; // the FLOAT value after the kind code
        graph.setU32(alpha, Float.floatToRawIntBits(100f)).fixChecksums();
        Path file2 = graph.write(dir.resolve("tampered-graph.jqm"));
        assertEquals("signature", assertThrows(ModelFormatException.class,
                () -> JqmReader.open(file2, trusting(signer))).field());
    }

    @Test
    void aReplacedSignatureIsRejected() throws IOException {
        JqmBytes bytes = JqmBytes.of(signedFile());
        long signature = bytes.sectionOffset(SectionKind.SIGNATURE) + JqmFormat.SIGNATURE_PREFIX_BYTES;
        bytes.flipBit(signature + 10, 0).fixChecksums();
        Path file = bytes.write(dir.resolve("resigned.jqm"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> JqmReader.open(file, trusting(signer)));
        assertEquals("signature", e.field());
        assertEquals(bytes.sectionOffset(SectionKind.SIGNATURE) + JqmFormat.SIGNATURE_PREFIX_BYTES, e.offset());
    }

    @Test
    void aStrippedSignatureSectionIsRejected() throws IOException {
        JqmBytes bytes = JqmBytes.of(signedFile());
        // drop the last table entry (the signature) and declare the shorter table
        bytes.setU32(JqmFormat.SECTION_COUNT_OFFSET, bytes.sectionCount() - 1).fixChecksums();
        Path file = bytes.write(dir.resolve("stripped.jqm"));
        try (JqmFile jqm = JqmReader.open(file)) {
            assertEquals(SignatureStatus.ABSENT, jqm.signature());
        }
        assertEquals("signature", assertThrows(ModelFormatException.class,
                () -> JqmReader.open(file, trusting(signer))).field());
    }

    @Test
    void malformedSignatureSectionsAreRejected() throws IOException {
        JqmBytes original = JqmBytes.of(signedFile());
        long at = original.sectionOffset(SectionKind.SIGNATURE);
        JqmBytes algorithm = original.copy().setU32(at, 9).fixChecksums();
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> JqmReader.open(algorithm.write(dir.resolve("algorithm.jqm"))));
        assertEquals("signature.algorithm", e.field());
        assertTrue(e.getMessage().contains("unknown algorithm 9"), e.getMessage());
        JqmBytes length = original.copy().setU32(at + 4, 1 << 30).fixChecksums();
        e = assertThrows(ModelFormatException.class, () -> JqmReader.open(length.write(dir.resolve("length.jqm"))));
        assertEquals("signature.length", e.field());
    }

    @Test
    void optionsRefuseWrongKeysAndUncheckedSignatures() throws GeneralSecurityException {
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JqmReader.Options.defaults()
                .withTrustedPublicKey(rsa.getPublic())).getMessage().contains("trustedPublicKey must be an Ed25519 key"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JqmWriter.Options.defaults()
                .withSigningKey(rsa.getPrivate())).getMessage().contains("signingKey must be an Ed25519 key"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> trusting(signer).withVerifyChecksums(false))
                .getMessage().contains("verifyChecksums"));
    }
}
