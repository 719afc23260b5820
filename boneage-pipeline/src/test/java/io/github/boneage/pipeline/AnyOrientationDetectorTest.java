package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.pipeline.GateCheck.Check;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The pipeline with a landmark detector that reads every orientation itself (as the learned detector does): its
 * trusted reading decides the orientation alone; where it does not pass an image, the classical detector's four-turn
 * vote is the cross-check. The detector here is scripted, so each path is reached on purpose.
 */
class AnyOrientationDetectorTest {

    private static final SyntheticHandGenerator HANDS = SyntheticHandGenerator.builder().setSeed(20261205L).build();

    /** Answers every image with one scripted detection and counts its calls. */
    private static final class Scripted implements LandmarkDetector {
        private final LandmarkDetection answer;
        private final AtomicInteger calls = new AtomicInteger();

        Scripted(LandmarkDetection answer) {
            this.answer = answer;
        }

        @Override
        public LandmarkDetection detect(GreyImage image, String sourceId) {
            calls.incrementAndGet();
            return answer;
        }

        @Override
        public boolean readsAnyOrientation() {
            return true;
        }
    }

    private static PipelineResult run(LandmarkDetector detector, GreyImage image, String id) {
        return BoneAgePipeline.builder().setEstimator(new ContentEstimator(RoiScheme.WHOLE)).optLandmarkDetector(detector)
                .build().run(PipelineInput.builder().setImage(image).optSourceId(id).optSex(Sex.MALE, "test").build());
    }

    @Test
    void aTrustedUprightReadingDecidesAloneWithOneCall() {
        SyntheticHand hand = HANDS.generate(3L);
        Scripted detector = new Scripted(ScriptedReadings.passed(hand.landmarks()));
        PipelineResult r = run(detector, hand.image(), "upright");
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(detector.calls.get()).isEqualTo(1);
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.HAND).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("scripted learned reading"));
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("read at all four quarter turns"));
    }

    @Test
    void aTrustedReadingOfATurnedHandIsRefusedWithTheDirection() {
        SyntheticHand hand = HANDS.generate(3L);
        Orientation quarter = new Orientation(1, false, false);
        GreyImage turned = quarter.apply(hand.image());
        HandLandmarks points = quarter.apply(hand.landmarks(), hand.image().width(), hand.image().height());
        PipelineResult r = run(new Scripted(ScriptedReadings.passed(points)), turned, "turned");
        assertThat(r.refusal()).contains(QualityVerdict.ORIENTATION_UNCERTAIN);
        assertThat(r.error().orElseThrow().getMessage()).contains("appears turned", "fingers point right",
                "turn the image upright");
    }

    @Test
    void whereTheDetectorDoesNotPassTheImageTheClassicalVoteDecides() {
        SyntheticHand hand = HANDS.generate(3L);
        Scripted unsure = new Scripted(new LandmarkDetection(QualityVerdict.LOW_CONFIDENCE, "scripted: thumb weak",
                Optional.of(hand.landmarks()), Map.of(), 0.1, false));
        PipelineResult r = run(unsure, hand.image(), "unsure");
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.HAND).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("cross-check", "LOW_CONFIDENCE"));
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains("quarter-turn readings agree"));
    }

    @Test
    void whenBothRefuseTheReasonNamesBoth() {
        Scripted none = new Scripted(new LandmarkDetection(QualityVerdict.NO_HAND, "scripted: no peaks", Optional.empty(),
                Map.of(), 0, false));
        GreyImage8 blank = new GreyImage8(300, 300);
        PipelineResult r = run(none, blank, "blank");
        assertThat(r.isSuccess()).isFalse();
        assertThat(r.refusal()).isPresent();
        assertThat(r.error().orElseThrow().getMessage()).contains("the landmark detector did not pass the image (NO_HAND");
    }
}
