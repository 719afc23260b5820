package io.github.boneage.djl.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.core.testing.LandmarkDetectorContractTest;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped learned detector ({@code models/landmarks}) on synthetic hands (it was trained with some), plus core's
 * detector contract. Real-image accuracy is measured by {@link LearnedLandmarkDetectorDataTest}.
 */
class LearnedLandmarkDetectorTest extends LandmarkDetectorContractTest {

    static final Path BUNDLE = Path.of("../models/landmarks");
    private static LearnedLandmarkDetector shared;

    static synchronized LearnedLandmarkDetector shared() {
        if (shared == null) {
            shared = LearnedLandmarkDetector.builder().setBundle(BUNDLE).build();
        }
        return shared;
    }

    @AfterAll
    static void closeShared() {
        if (shared != null) {
            shared.close();
            shared = null;
        }
    }

    @Override
    protected LandmarkDetector detector() {
        return shared();
    }

    @Override
    protected GreyImage handImage() {
        return SyntheticHandGenerator.builder().setSeed(424242).optImageSize(300, 380).optRotationRange(-5, 5)
                .optFlipProbability(0).optInversionProbability(0).optMarkerProbability(0).build().generate(0L).image();
    }

    @Test
    void rotatedMirroredAndInvertedSyntheticHandsGetTheirPoints() {
        // Another seed than the training hands (72026), any rotation, half mirrored, a third inverted.
        List<SyntheticHand> hands = SyntheticHandGenerator.builder().setSeed(9090).optImageSize(320, 400)
                .optRotationRange(-180, 180).optFlipProbability(0.5).optInversionProbability(0.3).build().generate(16);
        List<Double> errors = new ArrayList<>();
        int ok = 0;
        int invertedFlagged = 0;
        int inverted = 0;
        for (SyntheticHand h : hands) {
            LandmarkDetection d = shared().detect(h.image(), "synthetic-" + h.index());
            if (h.appearance().inverted()) {
                inverted++;
                invertedFlagged += d.invertedCorrected() ? 1 : 0;
            }
            if (!d.ok()) {
                continue;
            }
            ok++;
            HandLandmarks found = d.landmarks().orElseThrow();
            HandLandmarks truth = h.landmarks();
            double sum = 0;
            for (ReferencePoint rp : ReferencePoint.values()) {
                sum += found.point(rp).distanceTo(truth.point(rp)) / truth.handSize();
            }
            errors.add(sum / 7);
        }
        assertThat(ok).as("accepted of %d", hands.size()).isGreaterThanOrEqualTo(13);
        errors.sort(Double::compare);
        assertThat(errors.get(errors.size() / 2)).as("median of per-hand mean point errors").isLessThan(0.08);
        assertThat(invertedFlagged).as("inverted hands flagged").isEqualTo(inverted);
    }

    @Test
    void pointConfidencesAndFingertipsAccompanyAnAcceptedHand() {
        LandmarkDetection d = shared().detect(handImage(), "hand");
        assertThat(d.pointConfidence()).containsOnlyKeys(ReferencePoint.values());
        assertThat(d.confidence()).isEqualTo(d.pointConfidence().values().stream().mapToDouble(Double::doubleValue).min()
                .orElseThrow());
        HandLandmarks lm = d.landmarks().orElseThrow();
        assertThat(lm.hasFingertips()).isTrue();
        // each fingertip lies farther from the wrist than its finger's reference point
        for (Finger f : Finger.values()) {
            assertThat(lm.fingertip(f).orElseThrow().distanceTo(lm.wristCentre()))
                    .isGreaterThan(lm.point(ReferencePoint.values()[f.ordinal()]).distanceTo(lm.wristCentre()));
        }
        assertThat(d.invertedCorrected()).isFalse();
    }

    @Test
    void sixteenBitImageGivesTheSamePointsAsEightBit() {
        GreyImage8 eight = (GreyImage8) handImage();
        io.github.boneage.core.image.GreyImage16 sixteen = new io.github.boneage.core.image.GreyImage16(eight.width(),
                eight.height(), 12);
        for (int y = 0; y < eight.height(); y++) {
            for (int x = 0; x < eight.width(); x++) {
                sixteen.set(x, y, eight.get(x, y) * 4095 / 255);
            }
        }
        HandLandmarks a = shared().detect(eight, "8").landmarks().orElseThrow();
        HandLandmarks b = shared().detect(sixteen, "16").landmarks().orElseThrow();
        for (ReferencePoint rp : ReferencePoint.values()) {
            assertThat(a.point(rp).distanceTo(b.point(rp))).isLessThan(0.02 * a.handSize());
        }
    }

    @Test
    void fallbackAnswersWhenTheLearnedDetectorRefuses() {
        LandmarkDetector always = (image, id) -> new LandmarkDetection(QualityVerdict.OK, "scripted", Optional.of(
                SyntheticHandGenerator.builder().setSeed(1).build().generate(0L).landmarks()), Map.of(), 0.9, false);
        try (LearnedLandmarkDetector d = LearnedLandmarkDetector.builder().setBundle(BUNDLE).optClassicalFallback(always)
                .optPoolSize(1).build()) {
            LandmarkDetection blank = d.detect(new GreyImage8(200, 200), "blank");
            assertThat(blank.ok()).isTrue();
            assertThat(blank.reason()).contains("learned detector: NO_HAND").contains("classical fallback: scripted");
            assertThat(d.detectLearned(new GreyImage8(200, 200), "blank").verdict()).isEqualTo(QualityVerdict.NO_HAND);
        }
    }

    @Test
    void closedDetectorAndBadOptionsAreRefused() {
        LearnedLandmarkDetector d = LearnedLandmarkDetector.builder().setBundle(BUNDLE).optPoolSize(1).build();
        d.close();
        assertThatThrownBy(() -> d.detect(handImage(), "x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LearnedLandmarkDetector.builder().optMinPointConfidence(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> LearnedLandmarkDetector.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setBundle");
    }
}
