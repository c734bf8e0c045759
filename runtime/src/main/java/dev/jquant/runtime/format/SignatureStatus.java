package dev.jquant.runtime.format;

/** What the reader established about a file's signature. A signature that fails to verify is an error, not a status. */
public enum SignatureStatus {
    /** The file has no SIGNATURE section. */
    ABSENT,
    /** The signature verified against the trusted public key given to the reader. */
    VERIFIED,
    /** The file is signed, but no trusted key was given (or its algorithm is newer than this reader), so nothing was checked. */
    PRESENT_NOT_CHECKED
}
