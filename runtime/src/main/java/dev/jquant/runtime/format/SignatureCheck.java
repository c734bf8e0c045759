package dev.jquant.runtime.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;

/** Reads the SIGNATURE section and, given a trusted key, verifies it; a failed check is a format error. */
final class SignatureCheck {

    private SignatureCheck() {
    }

    static SignatureStatus check(Path file, MemorySegment mapped, SectionTable table, PublicKey trustedKey)
            throws ModelFormatException {
        SectionInfo section = table.known().get(SectionKind.SIGNATURE);
        if (section == null) {
            if (trustedKey != null) {
                throw new ModelFormatException(file, table.tableOffset(), "signature",
                        "the file is not signed, but the reader was given a trusted public key");
            }
            return SignatureStatus.ABSENT;
        }
        SectionCursor in = new SectionCursor(file, mapped.asSlice(section.offsetBytes(), section.lengthBytes()),
                section.offsetBytes());
        long algorithmAt = in.fileOffset();
        long algorithm = in.u32("signature.algorithm");
        long length = in.u32("signature.length");
        if (algorithm != JqmFormat.SIGNATURE_ED25519) {
            if (!table.newerMinor() || trustedKey != null) {
                throw in.errorAt(algorithmAt, "signature.algorithm", "unknown algorithm " + algorithm + "; version "
                        + JqmFormat.MAJOR_VERSION + "." + JqmFormat.MINOR_VERSION + " defines "
                        + JqmFormat.SIGNATURE_ED25519 + " (Ed25519)");
            }
            return SignatureStatus.PRESENT_NOT_CHECKED;
        }
        if (length != JqmFormat.ED25519_SIGNATURE_BYTES) {
            throw in.errorAt(algorithmAt + 4, "signature.length", length + " bytes; an Ed25519 signature has "
                    + JqmFormat.ED25519_SIGNATURE_BYTES);
        }
        long signatureAt = in.fileOffset();
        byte[] signature = in.slice(length, "signature.bytes").toArray(ValueLayout.JAVA_BYTE);
        if (!table.newerMinor()) {
            in.requireEnd("signature");
        }
        if (trustedKey == null) {
            return SignatureStatus.PRESENT_NOT_CHECKED;
        }
        List<byte[]> digests = new ArrayList<>();
        for (SectionInfo s : table.sections()) {
            if (s.kind().orElse(null) != SectionKind.SIGNATURE) {
                digests.add(JqmSignature.sha256(mapped.asSlice(s.offsetBytes(), s.lengthBytes())));
            }
        }
        byte[] message = JqmSignature.message(mapped, mapped.asSlice(table.tableOffset(), table.tableBytes()),
                table.entryBytes(), digests);
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(trustedKey);
            verifier.update(message);
            valid = verifier.verify(signature);
        } catch (SignatureException e) {
            valid = false; // a malformed signature is as invalid as a wrong one
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot verify with the trusted key (" + trustedKey.getAlgorithm()
                    + "): " + e.getMessage(), e);
        }
        if (!valid) {
            throw new ModelFormatException(file, signatureAt, "signature", "the Ed25519 signature does not verify"
                    + " with the trusted public key: the file was changed after signing, or another key signed it");
        }
        return SignatureStatus.VERIFIED;
    }
}
