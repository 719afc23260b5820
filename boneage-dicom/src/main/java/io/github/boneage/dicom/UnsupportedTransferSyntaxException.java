package io.github.boneage.dicom;

/**
 * The file's pixel data are encoded in a transfer syntax this reader does not decode (JPEG 2000, big endian, an
 * unknown UID), or in a variant of a supported one that it cannot decode (e.g. 12-bit JPEG Extended). The message
 * names the file, the transfer syntax UID and, when known, its name and what is missing.
 */
public class UnsupportedTransferSyntaxException extends DicomFormatException {

    /** The transfer syntaxes read, for messages: kept next to the exception so every refusal lists the same set. */
    static final String SUPPORTED = "Implicit/Explicit VR Little Endian, Deflated Explicit VR Little Endian, "
            + "RLE Lossless, JPEG Baseline and 8-bit JPEG Extended, JPEG Lossless (Process 14, any predictor), "
            + "JPEG-LS lossless and near-lossless";

    /** The transfer syntax UID the file declares. */
    private final String transferSyntaxUid;

    /**
     * A transfer syntax that is not read at all.
     *
     * @param source            the file
     * @param transferSyntaxUid the transfer syntax UID found in the file meta information
     * @param name              the transfer syntax's name, e.g. {@code JPEG 2000 (Lossless Only)}
     */
    public UnsupportedTransferSyntaxException(String source, String transferSyntaxUid, String name) {
        this(source, transferSyntaxUid, name, "only " + SUPPORTED + " are read");
    }

    /**
     * A transfer syntax that is read, in a variant this reader cannot decode.
     *
     * @param source            the file
     * @param transferSyntaxUid the transfer syntax UID found in the file meta information
     * @param name              the transfer syntax's name, e.g. {@code JPEG Extended (Process 2 & 4)}
     * @param reason            what about this file cannot be decoded, e.g. {@code 12-bit samples}
     */
    public UnsupportedTransferSyntaxException(String source, String transferSyntaxUid, String name, String reason) {
        super(source, "TransferSyntaxUID", "transfer syntax " + transferSyntaxUid + " (" + name + ") is not supported: "
                + reason + "; decompress the file first, e.g. with dcmdjpeg, dcmdjp2k or gdcmconv --raw");
        this.transferSyntaxUid = transferSyntaxUid;
    }

    /** @return the transfer syntax UID the file declares */
    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }
}
