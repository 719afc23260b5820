package io.github.boneage.clinical.report;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.HeldOutMetrics;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.ModelProvenance;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.QualityVerdict;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/** A fixed, fully populated report on a generated 12-bit image, shared by the report and FHIR tests. */
public final class ReportFixtures {

    private ReportFixtures() {
    }

    /** @return a 12-bit 120x160 gradient with a bright block where a "hand" would be */
    public static GreyImage16 image() {
        GreyImage16 img = new GreyImage16(120, 160, 12);
        for (int y = 0; y < 160; y++) {
            for (int x = 0; x < 120; x++) {
                img.set(x, y, (x * 17 + y * 9) % 1024 + (x > 30 && x < 90 && y > 40 && y < 150 ? 2500 : 0));
            }
        }
        return img;
    }

    /** @return a hand mask over {@link #image()}: a 12 x 16 grid, the hand on columns 3-8 of rows 4-14 */
    public static HandMask handMask() {
        float[] p = new float[12 * 16];
        for (int j = 4; j <= 14; j++) {
            for (int i = 3; i <= 8; i++) {
                p[j * 12 + i] = 0.9f;
            }
        }
        return new HandMask(120, 160, 12, 16, p);
    }

    /** @return landmarks inside {@link #image()} */
    public static HandLandmarks landmarks() {
        Map<ReferencePoint, Point> p = new EnumMap<>(ReferencePoint.class);
        int i = 0;
        for (ReferencePoint rp : ReferencePoint.values()) {
            p.put(rp, new Point(35 + 7.5 * i, 50 + 12.25 * i));
            i++;
        }
        return HandLandmarks.of(p);
    }

    /** @return a model identity with provenance (selection-time validation figures) and no held-out figures */
    public static ModelInfo model() {
        return new ModelInfo("test-model", "resnet_tiny", "0123abcd", provenance());
    }

    /** @return {@link #model()} with held-out figures, as a bundle with {@code heldOutMetrics} gives it */
    public static ModelInfo modelWithHeldOut() {
        return new ModelInfo("test-model", "resnet_tiny", "0123abcd", provenance(), new HeldOutMetrics(40, 11.25, 0.875,
                14.5, 0.6, "40 synthetic test images, never trained on or selected on", "boneage evaluate test"));
    }

    private static ModelProvenance provenance() {
        return new ModelProvenance("synthetic (3 images)", "seed 7, 80/20", Map.of("epochs", "2", "loss", "l1"),
                Map.of("mad", 9.5, "ccc", 0.91, "n", 20.0), "0.1.0-SNAPSHOT", "2026-11-22T12:00:00Z");
    }

    /** @return the full report: girl of 120 months, estimate 131.25 months, 90% interval, landmarks, quality OK */
    public static BoneAgeReport full(boolean withHeatmap) {
        BoneAgeEstimate estimate = new BoneAgeEstimate("hand-001.dcm", 131.25, Sex.FEMALE, RoiScheme.WHOLE,
                new Roi(10, 20, 100, 130), modelWithHeldOut());
        BoneAgeReport.Builder b = BoneAgeReport.builder().setEstimate(estimate).optImage(image())
                .optPatientSex(Sex.FEMALE, "DICOM PatientSex").optChronologicalAgeMonths(120, "--age-months")
                .optInterval(new PredictionInterval(118.5, 144.0, 0.9, "test-time augmentation, calibrated"))
                .optLandmarks(landmarks()).optHandMask(handMask())
                .optQuality(QualityVerdict.OK, "one hand, all points confident")
                .optPixelSpacing(0.143, 0.15, "DICOM PixelSpacing")
                .addWarning("PatientAge '12Y' is not of the form nnnD, nnnW, nnnM or nnnY: ignored")
                .optGeneratedAt(Instant.parse("2026-11-22T18:00:00Z"));
        if (withHeatmap) {
            float[] v = new float[4 * 5];
            for (int i = 0; i < v.length; i++) {
                v[i] = i;
            }
            b.optHeatmap(new Heatmap(4, 5, v, new Roi(10, 20, 100, 130), "occlusion sensitivity, 25 px patches"));
        }
        return b.build();
    }
}
