package io.github.boneage.clinical.report;

import io.github.boneage.clinical.reference.GreulichPyleReference;
import io.github.boneage.clinical.reference.ReferenceNotApplicableException;
import io.github.boneage.clinical.reference.StandardDeviationScore;
import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.QualityVerdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a per-image report says about one radiograph: the estimate and its model, what is known about the patient,
 * the optional interval, the SDS against the Greulich-Pyle reference (computed here when sex and chronological age are
 * known), landmarks, the quality gate's verdict, an optional heatmap and warnings. Build with {@link #builder()};
 * written by {@link ReportJson} and {@link HtmlReport}.
 */
public final class BoneAgeReport {

    private final String sourceId;
    private final BoneAgeEstimate estimate;
    private final GreyImage image;
    private final Sex patientSex;
    private final String sexSource;
    private final Double chronologicalAgeMonths;
    private final String chronologicalAgeSource;
    private final PredictionInterval interval;
    private final StandardDeviationScore sds;
    private final HandLandmarks landmarks;
    private final HandMask handMask;
    private final QualityVerdict quality;
    private final String qualityReason;
    private final Heatmap heatmap;
    private final double[] pixelSpacingMm;
    private final String pixelSpacingSource;
    private final List<String> warnings;
    private final Instant generatedAt;

    private BoneAgeReport(Builder b) {
        this.estimate = Objects.requireNonNull(b.estimate, "estimate is required (setEstimate)");
        this.sourceId = b.sourceId == null ? estimate.sourceId() : b.sourceId;
        this.image = b.image;
        this.patientSex = b.patientSex;
        this.sexSource = b.sexSource;
        this.chronologicalAgeMonths = b.chronologicalAgeMonths;
        this.chronologicalAgeSource = b.chronologicalAgeSource;
        this.interval = b.interval;
        this.landmarks = b.landmarks;
        this.handMask = b.handMask;
        this.quality = b.quality;
        this.qualityReason = b.qualityReason;
        this.heatmap = b.heatmap;
        this.pixelSpacingMm = b.pixelSpacingMm;
        this.pixelSpacingSource = b.pixelSpacingSource;
        this.generatedAt = b.generatedAt == null ? Instant.now() : b.generatedAt;
        List<String> w = new ArrayList<>(b.warnings);
        StandardDeviationScore score = null;
        if (chronologicalAgeMonths != null) {
            try {
                score = GreulichPyleReference.get().score(patientSex, estimate.months(), chronologicalAgeMonths);
            } catch (ReferenceNotApplicableException e) {
                w.add(e.getMessage());
            }
        }
        this.sds = score;
        this.warnings = List.copyOf(w);
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the input's name */
    public String sourceId() {
        return sourceId;
    }

    /** @return the estimate */
    public BoneAgeEstimate estimate() {
        return estimate;
    }

    /** @return the radiograph, when given (the HTML report draws it) */
    public Optional<GreyImage> image() {
        return Optional.ofNullable(image);
    }

    /** @return the patient's sex ({@link Sex#UNKNOWN} when not known) */
    public Sex patientSex() {
        return patientSex;
    }

    /** @return where the sex came from (e.g. {@code --sex}, {@code DICOM PatientSex}), when known */
    public Optional<String> sexSource() {
        return Optional.ofNullable(sexSource);
    }

    /** @return the chronological age in months, when known */
    public Optional<Double> chronologicalAgeMonths() {
        return Optional.ofNullable(chronologicalAgeMonths);
    }

    /** @return where the chronological age came from, when known */
    public Optional<String> chronologicalAgeSource() {
        return Optional.ofNullable(chronologicalAgeSource);
    }

    /** @return the uncertainty interval, when one was computed */
    public Optional<PredictionInterval> interval() {
        return Optional.ofNullable(interval);
    }

    /** @return the SDS against the Greulich-Pyle reference, when sex and age are known and inside the table */
    public Optional<StandardDeviationScore> sds() {
        return Optional.ofNullable(sds);
    }

    /** @return the landmarks used, when any */
    public Optional<HandLandmarks> landmarks() {
        return Optional.ofNullable(landmarks);
    }

    /** @return where the landmark detector found the hand on the image estimated, when its detector has a mask head */
    public Optional<HandMask> handMask() {
        return Optional.ofNullable(handMask);
    }

    /** @return the quality gate's verdict, when the gate ran */
    public Optional<QualityVerdict> quality() {
        return Optional.ofNullable(quality);
    }

    /** @return the quality gate's reason, when the gate ran */
    public Optional<String> qualityReason() {
        return Optional.ofNullable(qualityReason);
    }

    /** @return the explanation heatmap, when one was computed */
    public Optional<Heatmap> heatmap() {
        return Optional.ofNullable(heatmap);
    }

    /** @return the pixel size as {@code {row spacing, column spacing}} in mm, when the input gives it (a copy) */
    public Optional<double[]> pixelSpacingMm() {
        return Optional.ofNullable(pixelSpacingMm).map(double[]::clone);
    }

    /** @return where the pixel size came from (e.g. {@code DICOM PixelSpacing}), when known */
    public Optional<String> pixelSpacingSource() {
        return Optional.ofNullable(pixelSpacingSource);
    }

    /** @return warnings, including why no SDS could be given */
    public List<String> warnings() {
        return warnings;
    }

    /** @return when the report was made */
    public Instant generatedAt() {
        return generatedAt;
    }

    /** Builder: {@code setX} for required fields, {@code optX} for optional ones. */
    public static final class Builder {
        private String sourceId;
        private BoneAgeEstimate estimate;
        private GreyImage image;
        private Sex patientSex = Sex.UNKNOWN;
        private String sexSource;
        private Double chronologicalAgeMonths;
        private String chronologicalAgeSource;
        private PredictionInterval interval;
        private HandLandmarks landmarks;
        private HandMask handMask;
        private QualityVerdict quality;
        private String qualityReason;
        private Heatmap heatmap;
        private double[] pixelSpacingMm;
        private String pixelSpacingSource;
        private final List<String> warnings = new ArrayList<>();
        private Instant generatedAt;

        private Builder() {
        }

        /**
         * @param estimate the estimate (required)
         * @return this builder
         */
        public Builder setEstimate(BoneAgeEstimate estimate) {
            this.estimate = estimate;
            return this;
        }

        /**
         * @param sourceId the input's name (default: the estimate's source id)
         * @return this builder
         */
        public Builder optSourceId(String sourceId) {
            this.sourceId = sourceId;
            return this;
        }

        /**
         * @param image the radiograph the estimate was made on, for the HTML report
         * @return this builder
         */
        public Builder optImage(GreyImage image) {
            this.image = image;
            return this;
        }

        /**
         * @param sex    the patient's sex
         * @param source where it came from, e.g. {@code --sex} or {@code DICOM PatientSex}
         * @return this builder
         */
        public Builder optPatientSex(Sex sex, String source) {
            this.patientSex = Objects.requireNonNull(sex, "sex");
            this.sexSource = source;
            return this;
        }

        /**
         * @param months the chronological age
         * @param source where it came from, e.g. {@code --age-months} or {@code DICOM PatientBirthDate+StudyDate}
         * @return this builder
         * @throws IllegalArgumentException for a negative or non-finite age
         */
        public Builder optChronologicalAgeMonths(double months, String source) {
            if (!Double.isFinite(months) || months < 0) {
                throw new IllegalArgumentException("chronological age must be finite and >= 0, got " + months);
            }
            this.chronologicalAgeMonths = months;
            this.chronologicalAgeSource = source;
            return this;
        }

        /**
         * @param interval the uncertainty interval
         * @return this builder
         */
        public Builder optInterval(PredictionInterval interval) {
            this.interval = interval;
            return this;
        }

        /**
         * @param landmarks the landmarks used
         * @return this builder
         */
        public Builder optLandmarks(HandLandmarks landmarks) {
            this.landmarks = landmarks;
            return this;
        }

        /**
         * @param mask where the landmark detector found the hand, over the image the estimate was made on
         * @return this builder
         */
        public Builder optHandMask(HandMask mask) {
            this.handMask = mask;
            return this;
        }

        /**
         * @param verdict the quality gate's verdict
         * @param reason  its reason
         * @return this builder
         */
        public Builder optQuality(QualityVerdict verdict, String reason) {
            this.quality = verdict;
            this.qualityReason = reason;
            return this;
        }

        /**
         * @param heatmap the explanation heatmap
         * @return this builder
         */
        public Builder optHeatmap(Heatmap heatmap) {
            this.heatmap = heatmap;
            return this;
        }

        /**
         * @param rowMm    distance between row centres, in mm
         * @param columnMm distance between column centres, in mm
         * @param source   where it came from, e.g. {@code DICOM PixelSpacing} or {@code DICOM ImagerPixelSpacing}
         * @return this builder
         * @throws IllegalArgumentException for a non-positive or non-finite spacing
         */
        public Builder optPixelSpacing(double rowMm, double columnMm, String source) {
            if (!(rowMm > 0 && columnMm > 0 && Double.isFinite(rowMm) && Double.isFinite(columnMm))) {
                throw new IllegalArgumentException("pixel spacing must be positive and finite, got " + rowMm + " x " + columnMm);
            }
            this.pixelSpacingMm = new double[] {rowMm, columnMm};
            this.pixelSpacingSource = source;
            return this;
        }

        /**
         * @param warning a warning to print in the report
         * @return this builder
         */
        public Builder addWarning(String warning) {
            this.warnings.add(Objects.requireNonNull(warning));
            return this;
        }

        /**
         * @param when the report's timestamp (default: now; fixed in tests)
         * @return this builder
         */
        public Builder optGeneratedAt(Instant when) {
            this.generatedAt = when;
            return this;
        }

        /**
         * @return the report, with the SDS computed when sex and age allow
         * @throws IllegalArgumentException when the hand mask lies over an image of another size than the report's
         */
        public BoneAgeReport build() {
            if (handMask != null && image != null
                    && (handMask.imageWidth() != image.width() || handMask.imageHeight() != image.height())) {
                throw new IllegalArgumentException("hand mask over a " + handMask.imageWidth() + "x" + handMask.imageHeight()
                        + " image, but the report's image is " + image.width() + "x" + image.height());
            }
            return new BoneAgeReport(this);
        }
    }
}
