package io.github.boneage.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Age and sex must drive what the image shows. */
class SyntheticHandMorphologyTest {

    private static final int[] AGES = {0, 24, 60, 120, 180, 228};

    /** Upright, unscaled, centred, flat fingers, no noise: only age and sex vary between samples. */
    private static SyntheticHandGenerator.Builder standardView(int age, Sex sex) {
        return SyntheticHandGenerator.builder()
                .setSeed(21)
                .optImageSize(256, 320)
                .optAgeRange(age, age)
                .optSex(sex)
                .optRotationRange(0, 0)
                .optScaleRange(1, 1)
                .optTranslation(0)
                .optFingerSpread(0.5, 0.5)
                .optFingerCurl(0, 0)
                .optNoiseRange(0, 0)
                .optBackgroundRange(0.05, 0.05)
                .optContrastRange(0.9, 0.9)
                .optGammaRange(1, 1);
    }

    @Test
    void handLengthOnTheImageGrowsWithAge() {
        double previous = 0;
        double previousMm = 0;
        for (int age : AGES) {
            SyntheticHand hand = standardView(age, Sex.MALE).build().generate(0L);
            GreyImage image = hand.image();
            // From the top of the middle finger's soft tissue down to the wrist, in pixels.
            int top = topRowAbove(image, 0.05 + 0.1);
            double length = hand.landmarks().wristCentre().y() - top;
            assertThat(length).as("age %d", age).isGreaterThan(previous);
            assertThat(hand.handLengthMm()).as("age %d", age).isGreaterThan(previousMm);
            previous = length;
            previousMm = hand.handLengthMm();
        }
    }

    private static int topRowAbove(GreyImage image, double level) {
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                if (image.get(x, y) > level * image.maxValue()) {
                    return y;
                }
            }
        }
        throw new AssertionError("no hand in the image");
    }

    @Test
    void carpalCentresAppearOneByOneInTheUsualOrder() {
        SyntheticHandGenerator.Builder b = standardView(0, Sex.MALE).optImageSize(64, 64);
        int previousCount = 0;
        EnumSet<Carpal> seen = EnumSet.noneOf(Carpal.class);
        for (int age = 0; age <= SyntheticHandGenerator.MAX_AGE_MONTHS; age += 3) {
            SyntheticHand hand = b.optAgeRange(age, age).build().generate(0L);
            assertThat(hand.ossifiedCarpals()).containsAll(seen);
            assertThat(hand.ossifiedCarpals().size()).isGreaterThanOrEqualTo(previousCount);
            for (Carpal c : hand.ossifiedCarpals()) {
                if (seen.add(c)) {
                    // Each new centre is the next in Carpal order (which is the usual order of appearance).
                    assertThat(c.ordinal()).as("at %d months", age).isEqualTo(seen.size() - 1);
                }
            }
            previousCount = hand.ossifiedCarpals().size();
        }
        assertThat(b.optAgeRange(0, 0).build().generate(0L).ossifiedCarpals()).isEmpty();
        assertThat(b.optAgeRange(12, 12).build().generate(0L).ossifiedCarpals())
                .containsExactlyInAnyOrder(Carpal.CAPITATE, Carpal.HAMATE);
        assertThat(b.optAgeRange(120, 120).build().generate(0L).ossifiedCarpals()).doesNotContain(Carpal.PISIFORM);
        assertThat(b.optAgeRange(228, 228).build().generate(0L).ossifiedCarpals()).hasSize(8);
    }

    @Test
    void epiphysesAppearWidenAndFuse() {
        SyntheticHandGenerator.Builder b = standardView(0, Sex.MALE).optImageSize(64, 64);
        for (EpiphysisGroup group : EpiphysisGroup.values()) {
            assertThat(b.optAgeRange(0, 0).build().generate(0L).epiphysis(group).ossified()).isFalse();
            EpiphysisState child = b.optAgeRange(100, 100).build().generate(0L).epiphysis(group);
            EpiphysisState teen = b.optAgeRange(160, 160).build().generate(0L).epiphysis(group);
            EpiphysisState adult = b.optAgeRange(228, 228).build().generate(0L).epiphysis(group);
            assertThat(child.ossified()).as("%s", group).isTrue();
            assertThat(child.widthRatio()).as("%s", group).isLessThan(1);
            assertThat(child.fusion()).as("%s", group).isZero();
            assertThat(teen.widthRatio()).as("%s", group).isGreaterThan(child.widthRatio());
            assertThat(adult.fusion()).as("%s", group).isEqualTo(1);
        }
    }

    @Test
    void growthPlateGapIsVisibleInAChildAndClosedInAnAdult() {
        double child = growthPlateDip(standardView(120, Sex.MALE).optImageSize(512, 640).build().generate(0L));
        double adult = growthPlateDip(standardView(228, Sex.MALE).optImageSize(512, 640).build().generate(0L));
        assertThat(child).isGreaterThan(0.04);
        assertThat(adult).isLessThan(0.01);
    }

    /**
     * How much darker the growth plate of the middle finger's proximal phalanx is than the bone on both sides of it,
     * from the grey-level profile along the finger axis through the reference point (which lies just distal of it).
     */
    private static double growthPlateDip(SyntheticHand hand) {
        HandLandmarks lm = hand.landmarks();
        Point p = lm.point(ReferencePoint.MIDDLE);
        Point tip = lm.fingertip(Finger.MIDDLE).orElseThrow();
        double len = p.distanceTo(tip);
        double ux = (tip.x() - p.x()) / len;
        double uy = (tip.y() - p.y()) / len;
        double mm = hand.pose().pixelsPerMm();
        double[] profile = new double[86];
        for (int k = 0; k < profile.length; k++) {
            // From 2 mm distal of the point to 6.5 mm proximal of it (short of the joint), in 0.1 mm steps.
            double s = (2 - 0.1 * k) * mm;
            profile[k] = ImageSampling.bilinear(hand.image(), p.x() + ux * s, p.y() + uy * s);
        }
        double deepest = 0;
        for (int k = 1; k < profile.length - 1; k++) {
            double before = 0;
            double after = 0;
            for (int j = 0; j < k; j++) {
                before = Math.max(before, profile[j]);
            }
            for (int j = k + 1; j < profile.length; j++) {
                after = Math.max(after, profile[j]);
            }
            deepest = Math.max(deepest, Math.min(before, after) - profile[k]);
        }
        return deepest;
    }

    @Test
    void girlsMatureEarlierThanBoys() {
        boolean strictlyEarlierSomewhere = false;
        for (int age = 0; age <= SyntheticHandGenerator.MAX_AGE_MONTHS; age += 6) {
            SyntheticHand girl = standardView(age, Sex.FEMALE).optImageSize(64, 64).build().generate(0L);
            SyntheticHand boy = standardView(age, Sex.MALE).optImageSize(64, 64).build().generate(0L);
            assertThat(girl.ossifiedCarpals()).as("age %d", age).containsAll(boy.ossifiedCarpals());
            for (EpiphysisGroup g : EpiphysisGroup.values()) {
                assertThat(girl.epiphysis(g).widthRatio()).as("%s at %d", g, age)
                        .isGreaterThanOrEqualTo(boy.epiphysis(g).widthRatio());
                assertThat(girl.epiphysis(g).fusion()).as("%s at %d", g, age)
                        .isGreaterThanOrEqualTo(boy.epiphysis(g).fusion());
            }
            strictlyEarlierSomewhere |= girl.ossifiedCarpals().size() > boy.ossifiedCarpals().size();
        }
        assertThat(strictlyEarlierSomewhere).isTrue();
        // At 15 years a girl's phalangeal growth plates are closing, a boy's are open.
        assertThat(standardView(180, Sex.FEMALE).build().generate(0L).epiphysis(EpiphysisGroup.PROXIMAL_PHALANGES)
                .fusion()).isEqualTo(1);
        assertThat(standardView(180, Sex.MALE).build().generate(0L).epiphysis(EpiphysisGroup.PROXIMAL_PHALANGES)
                .fusion()).isZero();
    }

    @Test
    void girlsShowMoreCarpalBoneThanBoysOfTheSameAge() {
        // Only the carpals carry age and sex timing here, so the carpal box isolates the effect.
        SyntheticHand girl = standardView(60, Sex.FEMALE).optAgeSignalRegion(AgeSignalRegion.CARPALS).build()
                .generate(0L);
        SyntheticHand boy = standardView(60, Sex.MALE).optAgeSignalRegion(AgeSignalRegion.CARPALS).build()
                .generate(0L);
        assertThat(girl.ossifiedCarpals().size()).isGreaterThan(boy.ossifiedCarpals().size());
        assertThat(ImageSampling.roiMean(girl.image(), girl.regionBounds(AgeSignalRegion.CARPALS)))
                .isGreaterThan(ImageSampling.roiMean(boy.image(), boy.regionBounds(AgeSignalRegion.CARPALS)) + 0.003);
    }
}
