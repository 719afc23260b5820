package io.github.boneage.pipeline;

import io.github.boneage.clinical.explain.OcclusionHeatmap;
import io.github.boneage.clinical.report.BoneAgeReport;
import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.QualityGateException;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.QualityVerdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link BoneAgePipeline} made of one input: a report with the estimate, or the error that stopped it (a
 * {@link QualityGateException} for a refusal), and in both cases every gate check that ran.
 */
public final class PipelineResult {

    private final String sourceId;
    private final Path file;
    private final BoneAgeReport report;
    private final BoneAgeException error;
    private final List<GateCheck> gate;
    private final Orientation orientation;
    private final LandmarkDetection detection;
    private final GreyImage image;
    private final OcclusionHeatmap heatmap;

    PipelineResult(String sourceId, Path file, BoneAgeReport report, BoneAgeException error, List<GateCheck> gate,
            Orientation orientation, LandmarkDetection detection, GreyImage image, OcclusionHeatmap heatmap) {
        if ((report == null) == (error == null)) {
            throw new IllegalArgumentException("a result carries exactly one of report and error");
        }
        this.sourceId = Objects.requireNonNull(sourceId, "sourceId");
        this.file = file;
        this.report = report;
        this.error = error;
        this.gate = List.copyOf(gate);
        this.orientation = orientation;
        this.detection = detection;
        this.image = image;
        this.heatmap = heatmap;
    }

    /** @return the input's name */
    public String sourceId() {
        return sourceId;
    }

    /** @return the input file, when the input was a file */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** @return whether an estimate was made */
    public boolean isSuccess() {
        return report != null;
    }

    /** @return the report (estimate, interval, SDS, landmarks, gate verdict), when an estimate was made */
    public Optional<BoneAgeReport> report() {
        return Optional.ofNullable(report);
    }

    /** @return why no estimate was made */
    public Optional<BoneAgeException> error() {
        return Optional.ofNullable(error);
    }

    /** @return the gate's verdict when the gate refused the image */
    public Optional<QualityVerdict> refusal() {
        return error instanceof QualityGateException g ? Optional.of(g.verdict()) : Optional.empty();
    }

    /** @return every gate check that ran, in order (empty when decoding failed) */
    public List<GateCheck> gate() {
        return gate;
    }

    /**
     * @return how the image was re-oriented before the model saw it ({@link Orientation#IDENTITY} when not at all),
     *         when the gate got that far
     */
    public Optional<Orientation> orientation() {
        return Optional.ofNullable(orientation);
    }

    /** @return the landmark detector's finding on the image as the model saw it, when the detector ran */
    public Optional<LandmarkDetection> detection() {
        return Optional.ofNullable(detection);
    }

    /** @return the image as the model saw it (after inversion and re-orientation), when decoding succeeded */
    public Optional<GreyImage> image() {
        return Optional.ofNullable(image);
    }

    /** @return the occlusion heatmap, when the pipeline explains its estimates */
    public Optional<OcclusionHeatmap> heatmap() {
        return Optional.ofNullable(heatmap);
    }

    @Override
    public String toString() {
        return isSuccess() ? sourceId + ": " + report.estimate().months() + " months" : sourceId + ": " + error.getMessage();
    }
}
