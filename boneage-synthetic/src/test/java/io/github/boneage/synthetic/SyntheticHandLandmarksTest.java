package io.github.boneage.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticHandLandmarksTest {

    private static final int SAMPLES = 24;

    private static SyntheticHandGenerator.Builder base() {
        return SyntheticHandGenerator.builder().setSeed(11).optImageSize(256, 256).optNoiseRange(0, 0);
    }

    static Stream<Arguments> poses() {
        return Stream.of(
                Arguments.of("upright", (UnaryOperator<SyntheticHandGenerator.Builder>) b -> b),
                Arguments.of("any rotation", (UnaryOperator<SyntheticHandGenerator.Builder>)
                        b -> b.optRotationRange(-180, 180)),
                Arguments.of("flipped", (UnaryOperator<SyntheticHandGenerator.Builder>)
                        b -> b.optFlipProbability(1).optRotationRange(-40, 40)),
                Arguments.of("inverted", (UnaryOperator<SyntheticHandGenerator.Builder>)
                        b -> b.optInversionProbability(1).optRotationRange(-180, 180)),
                Arguments.of("curled and small", (UnaryOperator<SyntheticHandGenerator.Builder>)
                        b -> b.optFingerCurl(0.7, 1).optScaleRange(0.4, 0.6).optTranslation(1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poses")
    void landmarksLieInsideTheImageAndOnBone(String name, UnaryOperator<SyntheticHandGenerator.Builder> pose) {
        SyntheticHandGenerator generator = pose.apply(base()).build();
        for (long i = 0; i < SAMPLES; i++) {
            SyntheticHand hand = generator.generate(i);
            GreyImage image = hand.image();
            HandLandmarks lm = hand.landmarks();
            assertThat(lm.hasFingertips()).isTrue();
            assertThat(lm.firstPointOutside(image.width(), image.height())).as("%s", hand).isEmpty();

            boolean inverted = hand.appearance().inverted();
            assertThat(inverted).isEqualTo(name.equals("inverted"));
            // Orient grey levels so that bone is bright, then compare with the background and with the soft tissue
            // (or background) beside the bone.
            GreyImage boneBright = inverted ? invert(image) : image;
            double background = ImageSampling.quantile(boneBright, 0.05);
            for (ReferencePoint rp : ReferencePoint.values()) {
                double v = ImageSampling.discMean(boneBright, lm.point(rp), 1.0);
                assertThat(v).as("%s %s of %s", name, rp, hand).isGreaterThan(background + 0.15);
                for (Point beside : besideTheBone(lm, rp)) {
                    assertThat(v).as("%s %s of %s vs %s", name, rp, hand, beside)
                            .isGreaterThan(ImageSampling.discMean(boneBright, beside, 1.0) + 0.02);
                }
            }
        }
    }

    /**
     * Points across the bone from a reference point, past the bone's edge but short of the neighbouring bone: at half
     * the distance to the nearest neighbouring finger point, or, for radius and ulna, on the side away from the
     * other forearm bone.
     */
    private static List<Point> besideTheBone(HandLandmarks lm, ReferencePoint rp) {
        Point p = lm.point(rp);
        List<Point> out = new ArrayList<>();
        if (rp.isFinger()) {
            Point tip = lm.fingertip(Finger.valueOf(rp.name())).orElseThrow();
            double nearest = Double.MAX_VALUE;
            for (ReferencePoint other : ReferencePoint.values()) {
                if (other.isFinger() && other != rp) {
                    nearest = Math.min(nearest, p.distanceTo(lm.point(other)));
                }
            }
            double ax = tip.x() - p.x();
            double ay = tip.y() - p.y();
            double len = Math.hypot(ax, ay);
            double d = 0.5 * nearest;
            out.add(new Point(p.x() - ay / len * d, p.y() + ax / len * d));
            out.add(new Point(p.x() + ay / len * d, p.y() - ax / len * d));
        } else {
            Point other = lm.point(rp == ReferencePoint.RADIUS ? ReferencePoint.ULNA : ReferencePoint.RADIUS);
            out.add(new Point(p.x() + 0.6 * (p.x() - other.x()), p.y() + 0.6 * (p.y() - other.y())));
        }
        return out;
    }

    private static GreyImage invert(GreyImage image) {
        GreyImage8 out = new GreyImage8(image.width(), image.height());
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                out.set(x, y, image.maxValue() - image.get(x, y));
            }
        }
        return out;
    }

    @Test
    void landmarksStayInsideTheImageWhateverThePose() {
        SyntheticHandGenerator generator = SyntheticHandGenerator.builder().setSeed(12).optImageSize(96, 128)
                .optRotationRange(-180, 180).optScaleRange(0.2, 1).optTranslation(1).optFingerCurl(0, 1)
                .optFingerSpread(0, 1).optFlipProbability(0.5).build();
        for (long i = 0; i < 300; i++) {
            SyntheticHand hand = generator.generate(i);
            assertThat(hand.landmarks().firstPointOutside(96, 128)).as("%s", hand).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poses")
    void fingertipsLieBeyondTheFingerPoints(String name, UnaryOperator<SyntheticHandGenerator.Builder> pose) {
        SyntheticHandGenerator generator = pose.apply(base()).build();
        for (long i = 0; i < SAMPLES; i++) {
            HandLandmarks lm = generator.generate(i).landmarks();
            Point wrist = lm.wristCentre();
            for (Finger f : Finger.values()) {
                Point point = lm.point(ReferencePoint.valueOf(f.name()));
                Point tip = lm.fingertip(f).orElseThrow();
                assertThat(tip.distanceTo(wrist)).as("%s %s", name, f).isGreaterThan(point.distanceTo(wrist));
                double outward = (tip.x() - point.x()) * (point.x() - wrist.x())
                        + (tip.y() - point.y()) * (point.y() - wrist.y());
                assertThat(outward).as("%s %s points away from the wrist", name, f).isPositive();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 90, 180, -90})
    void wristSideFollowsTheRotation(int degrees) {
        SyntheticHandGenerator generator = base().optRotationRange(degrees, degrees).build();
        RoiScheme.Side expected = switch (degrees) {
            case 0 -> RoiScheme.Side.BOTTOM;
            case 90 -> RoiScheme.Side.LEFT;
            case 180 -> RoiScheme.Side.TOP;
            default -> RoiScheme.Side.RIGHT;
        };
        for (long i = 0; i < 5; i++) {
            assertThat(RoiScheme.wristSide(generator.generate(i).landmarks())).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void thumbIsOnTheRadialSideOfTheImage(boolean flipped) {
        SyntheticHand hand = base().optFlipProbability(flipped ? 1 : 0).optRotationRange(0, 0).build().generate(3L);
        HandLandmarks lm = hand.landmarks();
        assertThat(hand.pose().flipped()).isEqualTo(flipped);
        // A left hand in PA view shows the thumb and radius on the image's right; a right hand on the left.
        boolean thumbRight = lm.point(ReferencePoint.THUMB).x() > lm.point(ReferencePoint.LITTLE).x();
        boolean radiusRight = lm.point(ReferencePoint.RADIUS).x() > lm.point(ReferencePoint.ULNA).x();
        assertThat(thumbRight).isEqualTo(!flipped);
        assertThat(radiusRight).isEqualTo(!flipped);
    }
}
