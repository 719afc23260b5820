package io.github.boneage.dicom;

import io.github.boneage.core.InputFormatException;

/**
 * A DICOM file cannot be read: not a DICOM Part 10 file, truncated, or holding values this reader cannot interpret. The
 * message names the file and, where one is to blame, the DICOM attribute (e.g. {@code BitsAllocated}).
 */
public class DicomFormatException extends InputFormatException {

    /**
     * @param source    the file
     * @param attribute the DICOM attribute keyword at fault, or {@code null}
     * @param reason    what is wrong
     */
    public DicomFormatException(String source, String attribute, String reason) {
        super(source, 0, attribute, reason);
    }
}
