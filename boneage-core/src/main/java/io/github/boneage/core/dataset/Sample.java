package io.github.boneage.core.dataset;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.Sex;
import io.github.boneage.core.landmarks.LandmarksTable;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One labelled radiograph of a dataset: its id, bone age, sex, image file and, when a landmarks table is attached to
 * the dataset, its landmarks. Immutable.
 */
public final class Sample {

    private final String id;
    private final double boneAgeMonths;
    private final Sex sex;
    private final Path image;
    private final String labelSource;
    private final long labelLine;
    private final LandmarksTable landmarks;

    /**
     * @param id            the image id (file name without extension)
     * @param boneAgeMonths the reference bone age in months (finite, not negative)
     * @param sex           the patient's sex
     * @param image         the image file
     * @param labelSource   the labels file the sample came from (for messages)
     * @param labelLine     the 1-based line of the labels file, or 0 when not read from a file
     * @param landmarks     a landmarks table to look the sample up in, or {@code null}
     * @throws IllegalArgumentException if the id is blank or the age is negative or not finite
     */
    public Sample(String id, double boneAgeMonths, Sex sex, Path image, String labelSource, long labelLine,
            LandmarksTable landmarks) {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("sample id must not be blank, got '" + id + "'");
        }
        if (!Double.isFinite(boneAgeMonths) || boneAgeMonths < 0) {
            throw new IllegalArgumentException("bone age of " + id + " must be finite and not negative, got " + boneAgeMonths);
        }
        this.id = id;
        this.boneAgeMonths = boneAgeMonths;
        this.sex = Objects.requireNonNull(sex, "sex");
        this.image = Objects.requireNonNull(image, "image");
        this.labelSource = Objects.requireNonNull(labelSource, "labelSource");
        this.labelLine = labelLine;
        this.landmarks = landmarks;
    }

    /** @return the image id: the image's file name without extension */
    public String id() {
        return id;
    }

    /** @return the reference bone age in months */
    public double boneAgeMonths() {
        return boneAgeMonths;
    }

    /** @return the patient's sex */
    public Sex sex() {
        return sex;
    }

    /** @return the image file */
    public Path image() {
        return image;
    }

    /** @return the labels file this sample came from */
    public String labelSource() {
        return labelSource;
    }

    /** @return the 1-based line of the labels file, or 0 when the sample was not read from a file */
    public long labelLine() {
        return labelLine;
    }

    /**
     * @param table the landmarks table, or {@code null} for none
     * @return a copy of this sample that looks its landmarks up in {@code table} ({@code null}: none)
     */
    public Sample withLandmarks(LandmarksTable table) {
        return new Sample(id, boneAgeMonths, sex, image, labelSource, labelLine, table);
    }

    /**
     * The landmarks, unchecked against the image size (the image is not read here); use
     * {@link #landmarksForImage(int, int)} once the image is loaded.
     *
     * @return the landmarks, if a table is attached and has this id
     */
    public Optional<HandLandmarks> landmarks() {
        return landmarks == null ? Optional.empty() : landmarks.get(id);
    }

    /**
     * @param width  the loaded image's width
     * @param height the loaded image's height
     * @return the landmarks, if a table is attached and has this id
     * @throws InputFormatException naming the landmarks file, line and column if a point lies outside the image
     */
    public Optional<HandLandmarks> landmarksForImage(int width, int height) {
        return landmarks == null ? Optional.empty() : landmarks.forImage(id, width, height);
    }

    @Override
    public String toString() {
        return "Sample[" + id + ", " + boneAgeMonths + " months, " + sex.label() + ", " + image + "]";
    }
}
