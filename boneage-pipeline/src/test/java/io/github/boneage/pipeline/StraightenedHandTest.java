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
 * A hand lying far from upright is straightened before estimation when the learned detector then reads it more
 * upright, and a result says so; when it does not, the hand is estimated as it lies, with a warning. The detector is
 * scripted by image size: the tilted image gets the tilted points, the straightened canvas the points as they lie there.
 */
class StraightenedHandTest {

    private static final SyntheticHandGenerator HANDS = SyntheticHandGenerator.builder().setSeed(20261207L).build();

    /** The hand tilted this far anticlockwise (fingers pointing up and to the left). */
    private static final double TILT = 32;

    /** Answers the tilted image (by its pixels) with its reading, any other image with the second; counts its calls. */
    private static final class ByImage implements LandmarkDetector {
        private final GreyImage tiltedImage;
        private final LandmarkDetection tilted;
        private final LandmarkDetection other;
        private final AtomicInteger calls = new AtomicInteger();

        ByImage(GreyImage tiltedImage, LandmarkDetection tilted, LandmarkDetection other) {
            this.tiltedImage = tiltedImage;
            this.tilted = tilted;
            this.other = other;
        }

        @Override
        public LandmarkDetection detect(GreyImage image, String sourceId) {
            calls.incrementAndGet();
            return samePixels(image, tiltedImage) ? tilted : other;
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

    private static LandmarkDetection ok(HandLandmarks points) {
        Map<ReferencePoint, Double> conf = new EnumMap<>(ReferencePoint.class);
        for (ReferencePoint rp : ReferencePoint.values()) {
            conf.put(rp, 0.9);
        }
        return new LandmarkDetection(QualityVerdict.OK, "scripted learned reading", Optional.of(points), conf, 0.9, false);
    }

    private record Tilted(GreyImage image, HandLandmarks points, HandLandmarks straightened, GreyImage straightImage) {
    }

    private static Tilted tilted() {
        SyntheticHand hand = HANDS.generate(5L);
        int w = hand.image().width();
        int h = hand.image().height();
        GreyImage image = Straightening.rotate(hand.image(), -TILT);
        HandLandmarks points = Straightening.apply(hand.landmarks(), w, h, -TILT);
        double tilt = BoneAgePipeline.fingerAngle(points);
        Straightening.Straightened straight = Straightening.straighten(image, -tilt, points);
        return new Tilted(image, points, straight.apply(points, image.width(), image.height()), straight.image());
    }

    private static PipelineResult run(BoneAgePipeline.Builder builder, LandmarkDetector detector, GreyImage image) {
        return builder.setEstimator(new ContentEstimator(RoiScheme.WHOLE)).optLandmarkDetector(detector).build()
                .run(PipelineInput.builder().setImage(image).optSourceId("tilted").optSex(Sex.FEMALE, "test").build());
    }

    @Test
    void aHandFarFromUprightIsStraightenedAndTheResultSaysSo() {
        Tilted t = tilted();
        assertThat(BoneAgePipeline.fingerAngle(t.points())).as("the generated tilt").isLessThan(-25);
        ByImage detector = new ByImage(t.image(), ok(t.points()), ok(t.straightened()));
        PipelineResult r = run(BoneAgePipeline.builder(), detector, t.image());
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(detector.calls.get()).isEqualTo(2);
        assertThat(samePixels(r.image().orElseThrow(), t.straightImage())).as("the image estimated is the straightened one")
                .isTrue();
        assertThat(r.report().orElseThrow().warnings()).anyMatch(w -> w.contains("was straightened (turned")
                && w.contains("clockwise"));
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement().satisfies(c -> {
            assertThat(c.outcome()).isEqualTo(Outcome.CORRECTED);
            assertThat(c.detail()).contains("straightened: the fingers lay");
        });
    }

    @Test
    void aHandThatDoesNotReadMoreUprightIsEstimatedAsItLiesWithAWarning() {
        Tilted t = tilted();
        ByImage detector = new ByImage(t.image(), ok(t.points()), ok(t.points()));
        PipelineResult r = run(BoneAgePipeline.builder(), detector, t.image());
        assertThat(r.isSuccess()).as("%s %s", r, r.gate()).isTrue();
        assertThat(samePixels(r.image().orElseThrow(), t.image())).as("the image estimated is the one given").isTrue();
        assertThat(r.report().orElseThrow().warnings()).anyMatch(w -> w.contains("was not straightened")
                && w.contains("does not read more upright") && w.contains("may be off by months"));
        assertThat(r.gate()).filteredOn(c -> c.check() == Check.ORIENTATION).singleElement()
                .satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.PASSED));
    }

    @Test
    void withinTheBoundNothingIsStraightened() {
        Tilted t = tilted();
        ByImage detector = new ByImage(t.image(), ok(t.points()), ok(t.straightened()));
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
