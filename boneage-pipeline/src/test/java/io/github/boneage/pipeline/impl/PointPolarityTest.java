package io.github.boneage.pipeline.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.pipeline.Orientation;
import io.github.boneage.synthetic.SyntheticHand;
import io.github.boneage.synthetic.SyntheticHandGenerator;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The grey levels at the reference points say the polarity, whatever surrounds the hand. */
public class PointPolarityTest {

    private static final SyntheticHandGenerator HANDS = SyntheticHandGenerator.builder().setSeed(20261206L).build();

    private static GreyImage inverted(GreyImage image) {
        return new Orientation(0, false, true).apply(image);
    }

    /**
     * @param image the picture to frame
     * @param padX  the frame's width left and right
     * @param padY  its height above and below
     * @return the picture in the middle of a canvas filled with near-white around it, as an unexposed film frame
     */
    public static GreyImage8 inBrightFrame(GreyImage image, int padX, int padY) {
        GreyImage8 out = new GreyImage8(image.width() + 2 * padX, image.height() + 2 * padY);
        for (int y = 0; y < out.height(); y++) {
            for (int x = 0; x < out.width(); x++) {
                boolean inside = x >= padX && x < padX + image.width() && y >= padY && y < padY + image.height();
                out.set(x, y, inside ? image.get(x - padX, y - padY) : 245);
            }
        }
        return out;
    }

    @Test
    void boneIsBrighterThanAroundTheHandAndDarkerOnTheInvertedCopy() {
        for (long i = 0; i < 5; i++) {
            SyntheticHand hand = HANDS.generate(i);
            double upright = PointPolarity.contrast(hand.image(), hand.landmarks());
            assertThat(upright).as("hand %d", i).isGreaterThan(0.05);
            assertThat(PointPolarity.contrast(inverted(hand.image()), hand.landmarks())).as("hand %d inverted", i)
                    .isCloseTo(-upright, within(0.02));
        }
    }

    @Test
    void aBrightFrameAroundTheFieldDoesNotTurnTheAnswer() {
        SyntheticHand hand = HANDS.generate(3L);
        HandLandmarks shifted = HandLandmarks.of(hand.landmarks().points().entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> new Point(e.getValue().x() + hand.image().width(),
                        e.getValue().y() + hand.image().height()))));
        GreyImage framed = inBrightFrame(hand.image(), hand.image().width(), hand.image().height());
        // Most of the framed image is brighter than the bone: its global median is the frame's grey.
        assertThat(PointPolarity.contrast(framed, shifted)).isGreaterThan(0.05);
        assertThat(PointPolarity.contrast(inverted(framed), shifted)).isLessThan(-0.05);
    }
}
