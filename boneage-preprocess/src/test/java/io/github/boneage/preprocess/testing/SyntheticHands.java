package io.github.boneage.preprocess.testing;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import java.util.EnumMap;
import java.util.Map;

/** Landmarks that fit the hand-like shape of {@link SyntheticImages.Kind#HAND}. */
public final class SyntheticHands {

    private static final double[] FINGER_X = {0.27, 0.39, 0.5, 0.61, 0.72};
    private static final double[] TIP_Y = {0.40, 0.12, 0.08, 0.12, 0.2};

    private SyntheticHands() {
    }

    /** @return the seven reference points of the generated hand in a {@code width x height} image */
    public static HandLandmarks landmarks(int width, int height) {
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        ReferencePoint[] fingers = {ReferencePoint.THUMB, ReferencePoint.INDEX, ReferencePoint.MIDDLE, ReferencePoint.RING,
            ReferencePoint.LITTLE};
        for (int f = 0; f < 5; f++) {
            points.put(fingers[f], new Point(FINGER_X[f] * width, 0.55 * height));
        }
        points.put(ReferencePoint.RADIUS, new Point(0.42 * width, 0.85 * height));
        points.put(ReferencePoint.ULNA, new Point(0.58 * width, 0.85 * height));
        return HandLandmarks.of(points);
    }

    /** @return the same landmarks with the five fingertips */
    public static HandLandmarks landmarksWithTips(int width, int height) {
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        for (Finger f : Finger.values()) {
            tips.put(f, new Point(FINGER_X[f.ordinal()] * width, TIP_Y[f.ordinal()] * height));
        }
        return landmarks(width, height).withFingertips(tips);
    }
}
