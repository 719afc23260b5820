package io.github.boneage.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.core.landmarks.LandmarkDetector;
import io.github.boneage.core.landmarks.QualityVerdict;
import io.github.boneage.pipeline.GateCheck.Check;
import io.github.boneage.pipeline.GateCheck.Outcome;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A hand lying beyond the bound from upright is turned by the excess before estimation when the learned detector then
 * reads it near the bound, and a result says so when the turn is large; when it does not, the hand is estimated as it
 * lies, with a warning. The detector is scripted by pixels: the tilted image gets the tilted points, any other image
 * the points as they lie on the straightened image.
 */
class StraightenedHandTest {

    private static final SyntheticHandGenerator HANDS = SyntheticHandGenerator.builder().setSeed(20261207L).build();

    /** The hand tilted this far anticlockwise (fingers pointing up and to the left). */
    private static final double TILT = 40;

    /**
     * Answers the tilted image (by its pixels) with its points, its mirror image with those points mirrored, any other
     * image with the second reading; counts its calls.
     */
    private static final class ByImage implements LandmarkDetector {
        private static final Orientation MIRROR = new Orientation(0, true, false);
        private final GreyImage tiltedImage;
        private final HandLandmarks tilted;
        private final LandmarkDetection other;
        private final AtomicInteger calls = new AtomicInteger();

        ByImage(GreyImage tiltedImage, HandLandmarks tilted, LandmarkDetection other) {
            this.tiltedImage = tiltedImage;
            this.tilted = tilted;
            this.other = other;
        }

        @Override
        public LandmarkDetection detect(GreyImage image, String sourceId) {
            calls.incrementAndGet();
            if (samePixels(image, tiltedImage)) {
                return ScriptedReadings.passed(tilted);
            }
            if (samePixels(image, MIRROR.apply(tiltedImage))) {
                return ScriptedReadings.passed(MIRROR.apply(tilted, image.width(), image.height()));
            }
            return other;
        }

        @Override
        public boolean readsAnyOrientation() {
            return true;
        }
    }

    private static boolean samePixels(GreyImage a, GreyImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            return false;
        }
        for (int y = 0; y < a.height(); y++) {
            for (int x = 0; x < a.width(); x++) {
                if (a.get(x, y) != b.get(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    private record Tilted(GreyImage image, HandLandmarks points, HandLandmarks straightened, GreyImage straightImage) {
    }

    private static Tilted tilted(double degreesAnticlockwise) {
        SyntheticHand hand = HANDS.generate(5L);
        int w = hand.image().width();
        int h = hand.image().height();
        GreyImage image = Straightening.rotate(hand.image(), -degreesAnticlockwise);
        HandLandmarks points = Straightening.apply(hand.landmarks(), w, h, -degreesAnticlockwise);
        double tilt = BoneAgePipeline.fingerAngle(points);
        double excess = Math.signum(tilt) * (Math.abs(tilt) - BoneAgePipeline.DEFAULT_STRAIGHTEN_BEYOND_DEGREES);
        Straightening.Straightened straight = Straightening.straighten(image, -excess, points);
        return new Tilted(image, points, straight.apply(points), straight.image());
    }

    private static PipelineResult run(BoneAgePipeline.Builder builder, LandmarkDetector detector, GreyImage image) {
        return builder.setEstimator(new ContentEstimator(RoiScheme.WHOLE)).optLandmarkDetector(detector).build()
                .run(PipelineInput.builder().setImage(image).optSourceId("tilted").optSex(Sex.FEMALE, "test").build());
    }

    @Test
    void aHandFarFromUprightIsStraightenedAndTheResultSaysSo() {
        Tilted t = tilted(TILT);
        assertThat(BoneAgePipeline.fingerAngle(t.points())).as("the generated tilt").isLessThan(-25);
        ByImage detector = new ByImage(t.image(), t.points(), ScriptedReadings.passed(t.straightened()));
        PipelineResult r = run(BoneAgePipeline.builder(), detector, t.image());
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(detector.calls.get()).as("the image, its mirror image, the straightened image").isEqualTo(3);
        assertThat(samePixels(r.image().orElseThrow(), t.straightImage())).as("the image estimated is the straightened one")
                .isTrue();
        assertThat(r.report().orElseThrow().warnings()).anyMatch(w -> w.contains("was straightened (turned")
                && w.contains("clockwise, to 20° from upright"));
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(Outcome.CORRECTED);
            assertThat(c.detail()).contains("straightened: the fingers lay");
        });
    }

    @Test
    void aHandThatDoesNotReadNearTheBoundIsEstimatedAsItLiesWithAWarning() {
        Tilted t = tilted(TILT);
        ByImage detector = new ByImage(t.image(), t.points(), ScriptedReadings.passed(t.points()));
        PipelineResult r = run(BoneAgePipeline.builder(), detector, t.image());
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(samePixels(r.image().orElseThrow(), t.image())).as("the image estimated is the one given").isTrue();
        assertThat(r.report().orElseThrow().warnings()).anyMatch(w -> w.contains("was not straightened")
                && w.contains("does not read near 20° from upright") && w.contains("may be off by months"));
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement()
                .satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.PASSED));
    }

    /**
     * Just beyond the bound the turn is only the excess, a few degrees, so the image and its estimate change little
     * (and continuously) with the measured tilt: said in the gate's trace, not in the warnings.
     */
    @Test
    void aHandJustBeyondTheBoundIsTurnedByTheExcessWithoutAWarning() {
        Tilted t = tilted(28);
        double tilt = BoneAgePipeline.fingerAngle(t.points());
        assertThat(Math.abs(tilt)).as("the generated tilt").isBetween(21.0, 27.0);
        ByImage detector = new ByImage(t.image(), t.points(), ScriptedReadings.passed(t.straightened()));
        PipelineResult r = run(BoneAgePipeline.builder(), detector, t.image());
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(samePixels(r.image().orElseThrow(), t.straightImage())).as("the image estimated is the turned one")
                .isTrue();
        assertThat(r.report().orElseThrow().warnings()).noneMatch(w -> w.contains("straighten"));
        String turn = String.format(java.util.Locale.ROOT, "turned %.1f° clockwise", Math.abs(tilt)
                - BoneAgePipeline.DEFAULT_STRAIGHTEN_BEYOND_DEGREES);
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement()
                .satisfies(c -> assertThat(c.detail()).contains(turn));
    }

    @Test
    void withinTheBoundNothingIsStraightened() {
        Tilted t = tilted(TILT);
        ByImage detector = new ByImage(t.image(), t.points(), ScriptedReadings.passed(t.straightened()));
        PipelineResult r = run(BoneAgePipeline.builder().optStraightenBeyondDegrees(45), detector, t.image());
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(detector.calls.get()).isEqualTo(1);
        assertThat(samePixels(r.image().orElseThrow(), t.image())).as("the image estimated is the one given").isTrue();
        assertThat(r.report().orElseThrow().warnings()).noneMatch(w -> w.contains("straighten"));
    }

    @Test
    void aNegativeOrUndefinedBoundIsRefused() {
        assertThatThrownBy(() -> BoneAgePipeline.builder().optStraightenBeyondDegrees(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> BoneAgePipeline.builder().optStraightenBeyondDegrees(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
