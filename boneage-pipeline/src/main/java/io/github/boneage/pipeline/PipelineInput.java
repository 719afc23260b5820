package io.github.boneage.pipeline;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * One radiograph for the {@link BoneAgePipeline}: a file (PNG, JPEG or DICOM) or an already decoded image, with what
 * the caller knows about the patient. Values the caller gives win over those in a DICOM header. Build with
 * {@link #builder()}, or {@link #ofFile(Path)} for a bare file.
 */
public final class PipelineInput {

    private final Path file;
    private final GreyImage image;
    private final String sourceId;
    private final Sex sex;
    private final String sexSource;
    private final Double chronologicalAgeMonths;
    private final String ageSource;
    private final HandLandmarks landmarks;

    private PipelineInput(Builder b) {
        if ((b.file == null) == (b.image == null)) {
            throw new IllegalArgumentException("give exactly one of setFile and setImage");
        }
        this.file = b.file;
        this.image = b.image;
        this.sourceId = b.sourceId != null ? b.sourceId : file != null ? file.toString() : "image";
        this.sex = b.sex;
        this.sexSource = b.sexSource;
        this.chronologicalAgeMonths = b.chronologicalAgeMonths;
        this.ageSource = b.ageSource;
        this.landmarks = b.landmarks;
    }

    /**
     * @param file a PNG, JPEG or DICOM file
     * @return an input for it, named by its path, with nothing known about the patient
     */
    public static PipelineInput ofFile(Path file) {
        return builder().setFile(file).build();
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the file to read, when the input is a file */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return the decoded image, when the caller gave one */
    public Optional<GreyImage> image() {
        return Optional.ofNullable(image);
    }

    /** @return the name used in messages and results */
    public String sourceId() {
        return sourceId;
    }

    /** @return the patient's sex as the caller gave it */
    public Optional<Sex> sex() {
        return Optional.ofNullable(sex);
    }

    /** @return where the caller's sex came from (e.g. {@code --sex}, a manifest column) */
    public Optional<String> sexSource() {
        return Optional.ofNullable(sexSource);
    }

    /** @return the patient's chronological age in months as the caller gave it */
    public Optional<Double> chronologicalAgeMonths() {
        return Optional.ofNullable(chronologicalAgeMonths);
    }

    /** @return where the caller's age came from */
    public Optional<String> ageSource() {
        return Optional.ofNullable(ageSource);
    }

    /** @return reference points the caller located on the image as given (before any re-orientation) */
    public Optional<HandLandmarks> landmarks() {
        return Optional.ofNullable(landmarks);
    }

    /** Builder: {@code setX} for the required image source, {@code optX} for the rest. */
    public static final class Builder {
        private Path file;
        private GreyImage image;
        private String sourceId;
        private Sex sex;
        private String sexSource;
        private Double chronologicalAgeMonths;
        private String ageSource;
        private HandLandmarks landmarks;

        private Builder() {
        }

        /**
         * @param file a PNG, JPEG or DICOM file to read (exclusive with {@link #setImage})
         * @return this builder
         */
        public Builder setFile(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            return this;
        }

        /**
         * @param image an already decoded radiograph (exclusive with {@link #setFile})
         * @return this builder
         */
        public Builder setImage(GreyImage image) {
            this.image = Objects.requireNonNull(image, "image");
            return this;
        }

        /**
         * @param sourceId the name used in messages and results (default: the file's path, or {@code image})
         * @return this builder
         */
        public Builder optSourceId(String sourceId) {
            this.sourceId = Objects.requireNonNull(sourceId, "sourceId");
            return this;
        }

        /**
         * @param sex    the patient's sex; wins over a DICOM header's
         * @param source where it came from, for the report (e.g. {@code --sex})
         * @return this builder
         */
        public Builder optSex(Sex sex, String source) {
            this.sex = Objects.requireNonNull(sex, "sex");
            this.sexSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @param months the patient's chronological age; wins over a DICOM header's
         * @param source where it came from, for the report
         * @return this builder
         * @throws IllegalArgumentException if the age is negative or not finite
         */
        public Builder optChronologicalAgeMonths(double months, String source) {
            if (!Double.isFinite(months) || months < 0) {
                throw new IllegalArgumentException("chronological age must be a finite, non-negative number of months, got "
                        + months);
            }
            this.chronologicalAgeMonths = months;
            this.ageSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @param landmarks reference points on the image as given; they follow any re-orientation the gate applies
         * @return this builder
         */
        public Builder optLandmarks(HandLandmarks landmarks) {
            this.landmarks = landmarks;
            return this;
        }

        /** @return the input */
        public PipelineInput build() {
            return new PipelineInput(this);
        }
    }
}
