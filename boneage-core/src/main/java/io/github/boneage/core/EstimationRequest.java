package io.github.boneage.core;

import io.github.boneage.core.image.GreyImage;
import java.util.Objects;
import java.util.Optional;

/**
 * One radiograph to estimate, with what is known about it. Build with {@link #builder()}.
 */
public final class EstimationRequest {

    private final String sourceId;
    private final GreyImage image;
    private final Sex sex;
    private final HandLandmarks landmarks;
    private final Double chronologicalAgeMonths;

    private EstimationRequest(Builder b) {
        this.sourceId = b.sourceId;
        this.image = Objects.requireNonNull(b.image, "image is required (setImage)");
        this.sex = b.sex;
        this.landmarks = b.landmarks;
        this.chronologicalAgeMonths = b.chronologicalAgeMonths;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a name for error messages and reports (file name, accession number...) */
    public String sourceId() {
        return sourceId;
    }

    /** @return the radiograph */
    public GreyImage image() {
        return image;
    }

    /** @return the patient's sex ({@link Sex#UNKNOWN} when not given) */
    public Sex sex() {
        return sex;
    }

    /** @return the hand's landmarks, when known */
    public Optional<HandLandmarks> landmarks() {
        return Optional.ofNullable(landmarks);
    }

    /** @return the patient's chronological age in months, when known */
    public Optional<Double> chronologicalAgeMonths() {
        return Optional.ofNullable(chronologicalAgeMonths);
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private String sourceId = "image";
        private GreyImage image;
        private Sex sex = Sex.UNKNOWN;
        private HandLandmarks landmarks;
        private Double chronologicalAgeMonths;

        private Builder() {
        }

        /**
         * @param image the radiograph, 8 or 16 bits
         * @return this builder, with the radiograph set (required)
         */
        public Builder setImage(GreyImage image) {
            this.image = image;
            return this;
        }

        /**
         * @param sourceId the name of the input (a file name, an id) used in messages and results
         * @return this builder, with the name used in messages set
         */
        public Builder optSourceId(String sourceId) {
            this.sourceId = Objects.requireNonNull(sourceId);
            return this;
        }

        /**
         * @param sex the patient's sex ({@link Sex#UNKNOWN} when not known)
         * @return this builder, with the patient's sex set
         */
        public Builder optSex(Sex sex) {
            this.sex = Objects.requireNonNull(sex);
            return this;
        }

        /**
         * @param landmarks the hand's reference points, in this image's pixel coordinates
         * @return this builder, with the hand's landmarks set
         */
        public Builder optLandmarks(HandLandmarks landmarks) {
            this.landmarks = landmarks;
            return this;
        }

        /**
         * @param months the chronological age at the study, in months
         * @return this builder, with the chronological age set
         * @throws IllegalArgumentException if the age is negative or not finite
         */
        public Builder optChronologicalAgeMonths(double months) {
            if (!Double.isFinite(months) || months < 0) {
                throw new IllegalArgumentException("chronological age must be a finite, non-negative number of months, got " + months);
            }
            this.chronologicalAgeMonths = months;
            return this;
        }

        /** @return the request */
        public EstimationRequest build() {
            return new EstimationRequest(this);
        }
    }
}
