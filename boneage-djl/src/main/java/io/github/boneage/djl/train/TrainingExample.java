package io.github.boneage.djl.train;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One labelled radiograph for training or validation: either a file (decoded once, when the image cache is built) or
 * an image already in memory.
 *
 * @param id                     a name for reports and error messages (the RSNA id, a file name...)
 * @param imageFile              the image file, or {@code null} when {@code image} is given
 * @param image                  the image, or {@code null} when {@code imageFile} is given
 * @param boneAgeMonths          the reference bone age in months (the label)
 * @param sex                    the patient's sex
 * @param chronologicalAgeMonths the chronological age in months, or {@code null} when unknown
 * @param landmarks              the hand's reference points, or {@code null} when unknown (needed for ROI1-3 only)
 */
public record TrainingExample(String id, Path imageFile, GreyImage image, double boneAgeMonths, Sex sex,
        Double chronologicalAgeMonths, HandLandmarks landmarks) {

    /**
     * Validates the fields.
     *
     * @param id a name for reports and error messages (the RSNA id, a file name...)
     * @param imageFile the image file, or {@code null} when {@code image} is given
     * @param image the image, or {@code null} when {@code imageFile} is given
     * @param boneAgeMonths the reference bone age in months (the label)
     * @param sex the patient's sex
     * @param chronologicalAgeMonths the chronological age in months, or {@code null} when unknown
     * @param landmarks the hand's reference points, or {@code null} when unknown (needed for ROI1-3 only)
     */
    public TrainingExample {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sex, "sex");
        if ((imageFile == null) == (image == null)) {
            throw new IllegalArgumentException("example " + id + ": give exactly one of an image file and an image");
        }
        if (!Double.isFinite(boneAgeMonths) || boneAgeMonths < 0) {
            throw new IllegalArgumentException("example " + id + ": bone age must be a finite, non-negative number of months, got "
                    + boneAgeMonths);
        }
        if (chronologicalAgeMonths != null && (!Double.isFinite(chronologicalAgeMonths) || chronologicalAgeMonths < 0)) {
            throw new IllegalArgumentException("example " + id + ": chronological age must be finite and non-negative, got "
                    + chronologicalAgeMonths);
        }
    }

    /**
     * @param id            the example's name
     * @param imageFile     a JPEG or PNG radiograph
     * @param boneAgeMonths the label
     * @param sex           the patient's sex
     * @return an example read from a file
     */
    public static TrainingExample ofFile(String id, Path imageFile, double boneAgeMonths, Sex sex) {
        return new TrainingExample(id, imageFile, null, boneAgeMonths, sex, null, null);
    }

    /**
     * @param id            the example's name
     * @param image         the radiograph
     * @param boneAgeMonths the label
     * @param sex           the patient's sex
     * @return an example held in memory
     */
    public static TrainingExample ofImage(String id, GreyImage image, double boneAgeMonths, Sex sex) {
        return new TrainingExample(id, null, image, boneAgeMonths, sex, null, null);
    }

    /**
     * @param months the chronological age, in months
     * @return a copy with the chronological age set
     */
    public TrainingExample withChronologicalAge(double months) {
        return new TrainingExample(id, imageFile, image, boneAgeMonths, sex, months, landmarks);
    }

    /**
     * @param handLandmarks the hand's landmarks
     * @return a copy with the hand's landmarks set
     */
    public TrainingExample withLandmarks(HandLandmarks handLandmarks) {
        return new TrainingExample(id, imageFile, image, boneAgeMonths, sex, chronologicalAgeMonths, handLandmarks);
    }
}
