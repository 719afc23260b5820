package io.github.boneage.dicom.impl;

import java.util.Locale;

/** The DICOM attributes this reader uses, with the value representation implicit-VR files leave out. */
public enum Tag {
    TRANSFER_SYNTAX_UID(0x00020010, "UI", "TransferSyntaxUID"),
    STUDY_DATE(0x00080020, "DA", "StudyDate"),
    MODALITY(0x00080060, "CS", "Modality"),
    PATIENT_BIRTH_DATE(0x00100030, "DA", "PatientBirthDate"),
    PATIENT_SEX(0x00100040, "CS", "PatientSex"),
    PATIENT_AGE(0x00101010, "AS", "PatientAge"),
    IMAGER_PIXEL_SPACING(0x00181164, "DS", "ImagerPixelSpacing"),
    SAMPLES_PER_PIXEL(0x00280002, "US", "SamplesPerPixel"),
    PHOTOMETRIC_INTERPRETATION(0x00280004, "CS", "PhotometricInterpretation"),
    NUMBER_OF_FRAMES(0x00280008, "IS", "NumberOfFrames"),
    ROWS(0x00280010, "US", "Rows"),
    COLUMNS(0x00280011, "US", "Columns"),
    PIXEL_SPACING(0x00280030, "DS", "PixelSpacing"),
    BITS_ALLOCATED(0x00280100, "US", "BitsAllocated"),
    BITS_STORED(0x00280101, "US", "BitsStored"),
    HIGH_BIT(0x00280102, "US", "HighBit"),
    PIXEL_REPRESENTATION(0x00280103, "US", "PixelRepresentation"),
    WINDOW_CENTER(0x00281050, "DS", "WindowCenter"),
    WINDOW_WIDTH(0x00281051, "DS", "WindowWidth"),
    RESCALE_INTERCEPT(0x00281052, "DS", "RescaleIntercept"),
    RESCALE_SLOPE(0x00281053, "DS", "RescaleSlope"),
    VOI_LUT_FUNCTION(0x00281056, "CS", "VOILUTFunction"),
    LUT_DESCRIPTOR(0x00283002, "US", "LUTDescriptor"),
    LUT_DATA(0x00283006, "OW", "LUTData"),
    VOI_LUT_SEQUENCE(0x00283010, "SQ", "VOILUTSequence"),
    PIXEL_DATA(0x7FE00010, "OW", "PixelData");

    private final int value;
    private final String vr;
    private final String keyword;

    Tag(int value, String vr, String keyword) {
        this.value = value;
        this.vr = vr;
        this.keyword = keyword;
    }

    /** @return the tag as {@code (group << 16) | element} */
    public int value() {
        return value;
    }

    /** @return the value representation used when the file does not say (implicit VR) */
    public String vr() {
        return vr;
    }

    /** @return the DICOM keyword, used in error messages */
    public String keyword() {
        return keyword;
    }

    /** @return the VR implicit-VR files use for {@code tag}, or {@code null} when this reader does not know it */
    static String implicitVr(int tag) {
        for (Tag t : values()) {
            if (t.value == tag) {
                return t.vr;
            }
        }
        return null;
    }

    /** @return {@code (gggg,eeee)} */
    static String format(int tag) {
        return String.format(Locale.ROOT, "(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
    }
}
