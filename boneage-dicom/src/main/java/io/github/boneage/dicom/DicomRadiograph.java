package io.github.boneage.dicom;

import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A CR/DX radiograph read from DICOM: the presentation-ready grey image (bone bright, MONOCHROME2) and the metadata a
 * bone-age estimate uses.
 *
 * @param source            the file it was read from
 * @param image             the grey image after the modality rescale, the VOI transformation and MONOCHROME1 inversion
 * @param voiTransform      which VOI transformation was applied
 * @param pixelSpacing      the pixel size, when the file gives one
 * @param patientSex        PatientSex ({@link Sex#UNKNOWN} when absent, empty, {@code O} or unrecognised)
 * @param ageAtStudy        the patient's age at the study, when the file gives it
 * @param modality          Modality, e.g. {@code DX} or {@code CR} (empty string when absent)
 * @param transferSyntaxUid the file's transfer syntax UID
 * @param warnings          problems with the metadata that did not stop the image from being read (e.g. a study date
 *                          before the birth date), in words fit for a report
 */
public record DicomRadiograph(String source, GreyImage image, VoiTransform voiTransform, Optional<PixelSpacing> pixelSpacing,
        Sex patientSex, Optional<AgeAtStudy> ageAtStudy, String modality, String transferSyntaxUid, List<String> warnings) {

    /**
     * Checks for nulls and copies the warnings.
     *
     * @param source the file it was read from
     * @param image the grey image after the modality rescale, the VOI transformation and MONOCHROME1 inversion
     * @param voiTransform which VOI transformation was applied
     * @param pixelSpacing the pixel size, when the file gives one
     * @param patientSex PatientSex ({@link Sex#UNKNOWN} when absent, empty, {@code O} or unrecognised)
     * @param ageAtStudy the patient's age at the study, when the file gives it
     * @param modality Modality, e.g. {@code DX} or {@code CR} (empty string when absent)
     * @param transferSyntaxUid the file's transfer syntax UID
     * @param warnings problems with the metadata that did not stop the image from being read (e.g. a study date before
     *                 the birth date), in words fit for a report
     */
    public DicomRadiograph {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(voiTransform, "voiTransform");
        Objects.requireNonNull(pixelSpacing, "pixelSpacing");
        Objects.requireNonNull(patientSex, "patientSex");
        Objects.requireNonNull(ageAtStudy, "ageAtStudy");
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(transferSyntaxUid, "transferSyntaxUid");
        warnings = List.copyOf(warnings);
    }

    /**
     * @return a request builder with this radiograph's image, source, sex and (when known) age at the study filled in;
     *     callers may still override them (e.g. with a sex given on the command line) before {@code build()}
     */
    public EstimationRequest.Builder toRequestBuilder() {
        EstimationRequest.Builder b = EstimationRequest.builder().setImage(image).optSourceId(source).optSex(patientSex);
        ageAtStudy.ifPresent(a -> b.optChronologicalAgeMonths(a.months()));
        return b;
    }
}
