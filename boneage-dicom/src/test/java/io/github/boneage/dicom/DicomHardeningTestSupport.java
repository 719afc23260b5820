package io.github.boneage.dicom;

/** Byte positions in the fixtures, shared by the hardening tests. */
final class DicomHardeningTestSupport {

    private DicomHardeningTestSupport() {
    }

    /** Where the data set starts: after the preamble, DICM and the meta group (whose length the first element gives). */
    static int dataStart(byte[] file) {
        int groupLength = (file[140] & 0xFF) | (file[141] & 0xFF) << 8;
        return 132 + 12 + groupLength;
    }
}
