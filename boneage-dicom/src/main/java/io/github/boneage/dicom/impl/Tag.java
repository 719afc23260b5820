package io.github.boneage.dicom.impl;

import java.util.Locale;

/** The DICOM attributes this reader uses, with the value representation implicit-VR files leave out. */
public enum Tag {
    /** (0002,0010) TransferSyntaxUID, VR UI. */
    TRANSFER_SYNTAX_UID(0x00020010, "UI", "TransferSyntaxUID"),
    /** (0008,0020) StudyDate, VR DA. */
    STUDY_DATE(0x00080020, "DA", "StudyDate"),
    /** (0008,0060) Modality, VR CS. */
    MODALITY(0x00080060, "CS", "Modality"),
    /** (0010,0030) PatientBirthDate, VR DA. */
    PATIENT_BIRTH_DATE(0x00100030, "DA", "PatientBirthDate"),
    /** (0010,0040) PatientSex, VR CS. */
    PATIENT_SEX(0x00100040, "CS", "PatientSex"),
    /** (0010,1010) PatientAge, VR AS. */
    PATIENT_AGE(0x00101010, "AS", "PatientAge"),
    /** (0018,1164) ImagerPixelSpacing, VR DS. */
    IMAGER_PIXEL_SPACING(0x00181164, "DS", "ImagerPixelSpacing"),
    /** (0028,0002) SamplesPerPixel, VR US. */
    SAMPLES_PER_PIXEL(0x00280002, "US", "SamplesPerPixel"),
    /** (0028,0004) PhotometricInterpretation, VR CS. */
    PHOTOMETRIC_INTERPRETATION(0x00280004, "CS", "PhotometricInterpretation"),
    /** (0028,0008) NumberOfFrames, VR IS. */
    NUMBER_OF_FRAMES(0x00280008, "IS", "NumberOfFrames"),
    /** (0028,0010) Rows, VR US. */
    ROWS(0x00280010, "US", "Rows"),
    /** (0028,0011) Columns, VR US. */
    COLUMNS(0x00280011, "US", "Columns"),
    /** (0028,0030) PixelSpacing, VR DS. */
    PIXEL_SPACING(0x00280030, "DS", "PixelSpacing"),
    /** (0028,0100) BitsAllocated, VR US. */
    BITS_ALLOCATED(0x00280100, "US", "BitsAllocated"),
    /** (0028,0101) BitsStored, VR US. */
    BITS_STORED(0x00280101, "US", "BitsStored"),
    /** (0028,0102) HighBit, VR US. */
    HIGH_BIT(0x00280102, "US", "HighBit"),
    /** (0028,0103) PixelRepresentation, VR US. */
    PIXEL_REPRESENTATION(0x00280103, "US", "PixelRepresentation"),
    /** (0028,1050) WindowCenter, VR DS. */
    WINDOW_CENTER(0x00281050, "DS", "WindowCenter"),
    /** (0028,1051) WindowWidth, VR DS. */
    WINDOW_WIDTH(0x00281051, "DS", "WindowWidth"),
    /** (0028,1052) RescaleIntercept, VR DS. */
    RESCALE_INTERCEPT(0x00281052, "DS", "RescaleIntercept"),
    /** (0028,1053) RescaleSlope, VR DS. */
    RESCALE_SLOPE(0x00281053, "DS", "RescaleSlope"),
    /** (0028,1056) VOILUTFunction, VR CS. */
    VOI_LUT_FUNCTION(0x00281056, "CS", "VOILUTFunction"),
    /** (0028,3002) LUTDescriptor, VR US. */
    LUT_DESCRIPTOR(0x00283002, "US", "LUTDescriptor"),
    /** (0028,3006) LUTData, VR OW. */
    LUT_DATA(0x00283006, "OW", "LUTData"),
    /** (0028,3010) VOILUTSequence, VR SQ. */
    VOI_LUT_SEQUENCE(0x00283010, "SQ", "VOILUTSequence"),
    /** (7FE0,0010) PixelData, VR OW. */
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
