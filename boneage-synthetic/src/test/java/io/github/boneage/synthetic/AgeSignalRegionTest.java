package io.github.boneage.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage8;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AgeSignalRegionTest {

    /** Blur reaches 3 sigma (at most 3 pixels with the default blur range) beyond a changed body. */
    private static final int BLUR_MARGIN = 4;

    private static SyntheticHand at(AgeSignalRegion region, int age) {
        return SyntheticHandGenerator.builder()
                .setSeed(5)
                .optImageSize(256, 256)
                .optAgeRange(age, age)
                .optRotationRange(-180, 180)
                .optFlipProbability(0.5)
                .optAgeSignalRegion(region, 100)
                .build()
                .generate(3L);
    }

    @ParameterizedTest
    @EnumSource(value = AgeSignalRegion.class, names = "WHOLE_HAND", mode = EnumSource.Mode.EXCLUDE)
    void onlyTheSignalRegionChangesWithAge(AgeSignalRegion region) {
        SyntheticHand young = at(region, 0);
        SyntheticHand old = at(region, 228);
        assertThat(old.landmarks()).isEqualTo(young.landmarks());
        assertThat(old.handLengthMm()).isEqualTo(young.handLengthMm());
        Roi box = old.regionBounds(region);
        assertThat(box).isEqualTo(young.regionBounds(region));
        byte[] a = ((GreyImage8) young.image()).data();
        byte[] b = ((GreyImage8) old.image()).data();
        int width = young.image().width();
        int changedInside = 0;
        for (int i = 0; i < a.length; i++) {
            int x = i % width;
            int y = i / width;
            boolean inside = x >= box.x() - BLUR_MARGIN && x < box.maxX() + BLUR_MARGIN
                    && y >= box.y() - BLUR_MARGIN && y < box.maxY() + BLUR_MARGIN;
            if (inside) {
                changedInside += a[i] != b[i] ? 1 : 0;
            } else {
                assertThat(b[i]).as("%s: pixel (%d, %d) outside %s", region, x, y, box).isEqualTo(a[i]);
            }
        }
        assertThat(changedInside).as("%s: pixels changed inside the region", region).isGreaterThan(50);
    }

    /** With the rest of the hand fixed, a region's mean grey level measures how much bone it shows. */
    @ParameterizedTest
    @EnumSource(value = AgeSignalRegion.class, names = "WHOLE_HAND", mode = EnumSource.Mode.EXCLUDE)
    void moreMatureRegionsShowMoreBone(AgeSignalRegion region) {
        double previous = -1;
        for (int age : new int[] {0, 48, 120}) {
            SyntheticHand hand = at(region, age);
            double mean = ImageSampling.roiMean(hand.image(), hand.regionBounds(region));
            assertThat(mean).as("%s at %d months", region, age).isGreaterThan(previous);
            previous = mean;
        }
    }

    @ParameterizedTest
    @EnumSource(AgeSignalRegion.class)
    void regionBoxesContainTheirLandmarks(AgeSignalRegion region) {
        SyntheticHand hand = at(region, 150);
        Roi box = hand.regionBounds(region);
        switch (region) {
            case WHOLE_HAND -> hand.landmarks().points().values().forEach(p -> assertThat(contains(box, p)).isTrue());
            case RADIUS_ULNA -> {
                assertThat(contains(box, hand.landmarks().point(io.github.boneage.core.ReferencePoint.RADIUS))).isTrue();
                assertThat(contains(box, hand.landmarks().point(io.github.boneage.core.ReferencePoint.ULNA))).isTrue();
            }
            case PHALANGES -> hand.landmarks().fingertips().values()
                    .forEach(p -> assertThat(contains(box, p)).isTrue());
            case CARPALS -> assertThat(contains(box, hand.landmarks().wristCentre())).isFalse();
        }
    }

    private static boolean contains(Roi box, io.github.boneage.core.Point p) {
        return p.x() >= box.x() && p.x() <= box.maxX() && p.y() >= box.y() && p.y() <= box.maxY();
    }
}
