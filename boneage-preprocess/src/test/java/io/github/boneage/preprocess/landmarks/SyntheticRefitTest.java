package io.github.boneage.preprocess.landmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.landmarks.LandmarkDetection;
import io.github.boneage.preprocess.landmarks.impl.PointModel;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;

/**
 * The pipeline's geometry, separated from the anatomical definition of the points: with the tip model refitted on
 * synthetic hands, points on other synthetic hands (any rotation, flipped, inverted, with markers) land within a few
 * percent of hand size. The full-size run is in docs/landmarks.md.
 */
class SyntheticRefitTest {

    @Test
    void refittedPointsLandWithinAFewPercentOfHandSize() {
        PointModel model = SyntheticAccuracy.refit(80, new ArrayList<>());
        ClassicalLandmarkDetector detector = ClassicalLandmarkDetector.builder().optPointModel(model).build();
        SyntheticHandGenerator test = SyntheticAccuracy.generator(2002);
        double sum = 0;
        int ok = 0;
        for (long i = 0; i < 40; i++) {
            SyntheticHand hand = test.generate(i);
            LandmarkDetection d = detector.detect(hand.image(), "s" + i);
            if (d.ok()) {
                ok++;
                sum += SyntheticAccuracy.meanPointError(d.landmarks().orElseThrow(), hand.landmarks());
            }
        }
        assertThat(ok).isGreaterThanOrEqualTo(32);
        assertThat(sum / ok).as("mean point error, %% of hand size").isLessThan(3.5);
    }
}
