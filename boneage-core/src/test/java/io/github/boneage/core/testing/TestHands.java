package io.github.boneage.core.testing;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A synthetic upright hand (fingers up, wrist down) with round-number landmarks in a 600x500 image, and the image
 * transforms (rotations by 90 degrees, mirroring) applied to landmarks and ROIs, for geometry tests in any module.
 *
 * <p>The seven reference points span x 100..300 and y 100..260 (a 200x160 box, so 30% growth is a whole number of
 * pixels); the fingertips reach x 80..340 and y 10.
 */
public final class TestHands {

    /** Width of the image the upright hand lies in. */
    public static final int WIDTH = 600;
    /** Height of the image the upright hand lies in. */
    public static final int HEIGHT = 500;

    private TestHands() {
    }

    /** @return the upright hand's seven reference points, no fingertips */
    public static HandLandmarks upright() {
        Map<ReferencePoint, Point> p = new EnumMap<>(ReferencePoint.class);
        p.put(ReferencePoint.LITTLE, new Point(100, 150));
        p.put(ReferencePoint.RING, new Point(150, 110));
        p.put(ReferencePoint.MIDDLE, new Point(200, 100));
        p.put(ReferencePoint.INDEX, new Point(250, 110));
        p.put(ReferencePoint.THUMB, new Point(300, 180));
        p.put(ReferencePoint.RADIUS, new Point(230, 260));
        p.put(ReferencePoint.ULNA, new Point(170, 255));
        return HandLandmarks.of(p);
    }

    /** @return the upright hand with its five fingertips */
    public static HandLandmarks uprightWithTips() {
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        tips.put(Finger.THUMB, new Point(340, 120));
        tips.put(Finger.INDEX, new Point(260, 20));
        tips.put(Finger.MIDDLE, new Point(200, 10));
        tips.put(Finger.RING, new Point(140, 20));
        tips.put(Finger.LITTLE, new Point(80, 70));
        return upright().withFingertips(tips);
    }

    /** An image transform: how it moves points, rectangles and the image size. */
    public enum Transform {
        /** No change. */
        IDENTITY,
        /** Rotation by 90 degrees clockwise. */
        ROTATE_90,
        /** Rotation by 180 degrees. */
        ROTATE_180,
        /** Rotation by 270 degrees clockwise (90 counter-clockwise). */
        ROTATE_270,
        /** Left-right mirror: a left hand becomes a right hand. */
        MIRROR;

        /** @return the transformed image's width, for an image of width w and height h */
        public int width(int w, int h) {
            return this == ROTATE_90 || this == ROTATE_270 ? h : w;
        }

        /** @return the transformed image's height */
        public int height(int w, int h) {
            return this == ROTATE_90 || this == ROTATE_270 ? w : h;
        }

        /** @return where the point (x, y) of a w x h image goes (continuous coordinates) */
        public Point apply(Point p, int w, int h) {
            return switch (this) {
                case IDENTITY -> p;
                case ROTATE_90 -> new Point(h - p.y(), p.x());
                case ROTATE_180 -> new Point(w - p.x(), h - p.y());
                case ROTATE_270 -> new Point(p.y(), w - p.x());
                case MIRROR -> new Point(w - p.x(), p.y());
            };
        }

        /** @return the transformed landmarks */
        public HandLandmarks apply(HandLandmarks lm, int w, int h) {
            UnaryOperator<Point> f = p -> apply(p, w, h);
            Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
            lm.points().forEach((k, v) -> points.put(k, f.apply(v)));
            Map<Finger, Point> tips = new EnumMap<>(Finger.class);
            lm.fingertips().forEach((k, v) -> tips.put(k, f.apply(v)));
            return HandLandmarks.of(points, tips);
        }

        /** @return the pixel rectangle the given rectangle of a w x h image becomes */
        public Roi apply(Roi r, int w, int h) {
            return switch (this) {
                case IDENTITY -> r;
                case ROTATE_90 -> new Roi(h - r.maxY(), r.x(), r.height(), r.width());
                case ROTATE_180 -> new Roi(w - r.maxX(), h - r.maxY(), r.width(), r.height());
                case ROTATE_270 -> new Roi(r.y(), w - r.maxX(), r.height(), r.width());
                case MIRROR -> new Roi(w - r.maxX(), r.y(), r.width(), r.height());
            };
        }
    }
}
