package io.github.boneage.dicom;

/** Which value-of-interest transformation turned the modality values into the grey levels of the image. */
public enum VoiTransform {
    /** None in the file: the stored values are kept at their full bit depth. */
    NONE,
    /** The first Window Center / Window Width pair, with the file's VOI LUT Function (LINEAR by default). */
    WINDOW,
    /** The first item of the VOI LUT Sequence. */
    VOI_LUT
}
