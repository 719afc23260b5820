package io.github.boneage.preprocess.landmarks.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import org.junit.jupiter.api.Test;

/** The classical segmentation as a {@link HandMask}: the learned mask head's training target and yardstick. */
class HandAnalyzerMaskTest {

    private static final HandAnalyzer ANALYZER = new HandAnalyzer(256);

    @Test
    void aHandsMaskCoversItsPointsAndNotTheCorners() {
        SyntheticHand hand = SyntheticHandGenerator.builder().setSeed(31).optImageSize(300, 380).optRotationRange(-5, 5)
                .optFlipProbability(0).optInversionProbability(0).optMarkerProbability(0).build().generate(0L);
        HandMask mask = ANALYZER.handMask(hand.image()).orElseThrow();
        assertThat(mask.imageWidth()).isEqualTo(300);
        assertThat(mask.imageHeight()).isEqualTo(380);
        // One cell per working pixel: the longer side reduced to 256.
        assertThat(mask.gridHeight()).isEqualTo(256);
        HandLandmarks lm = hand.landmarks();
        for (ReferencePoint rp : ReferencePoint.values()) {
            assertThat(mask.contains(lm.point(rp).x(), lm.point(rp).y())).as("%s", rp).isTrue();
        }
        assertThat(mask.contains(2, 2)).isFalse();
        assertThat(mask.contains(297, 377)).isFalse();
    }

    @Test
    void noMaskWithoutAHandOrBelowTheWorkingSize() {
        assertThat(ANALYZER.handMask(new GreyImage8(300, 380))).isEmpty();
        SyntheticHand small = SyntheticHandGenerator.builder().setSeed(31).optImageSize(160, 200).optRotationRange(-5, 5)
                .optFlipProbability(0).optInversionProbability(0).optMarkerProbability(0).build().generate(0L);
        // Working image 205 x 256 over a 160 x 200 image: cells would be smaller than a pixel.
        assertThat(ANALYZER.handMask(small.image())).isEmpty();
    }
}
