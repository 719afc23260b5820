package io.github.boneage.dicom;

/**
 * The file's pixel data are encoded in a transfer syntax this reader does not decode (compressed, deflated or big
 * endian). The message names the file, the transfer syntax UID and, when known, its name.
 */
public class UnsupportedTransferSyntaxException extends DicomFormatException {

    private final String transferSyntaxUid;

    /**
     * @param source            the file
     * @param transferSyntaxUid the transfer syntax UID found in the file meta information
     * @param name              the transfer syntax's name, e.g. {@code JPEG Baseline (Process 1)}
     */
    public UnsupportedTransferSyntaxException(String source, String transferSyntaxUid, String name) {
        super(source, "TransferSyntaxUID", "transfer syntax " + transferSyntaxUid + " (" + name + ") is not supported; "
                + "only uncompressed Implicit VR Little Endian (1.2.840.10008.1.2) and Explicit VR Little Endian "
                + "(1.2.840.10008.1.2.1) are read: decompress the file first, e.g. with dcmdjpeg or gdcmconv --raw");
        this.transferSyntaxUid = transferSyntaxUid;
    }

    /** @return the transfer syntax UID the file declares */
    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }
}
