package io.github.boneage.core;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The seven reference points of a hand radiograph ({@link ReferencePoint}) and, optionally, the five fingertips, in
 * pixel coordinates of one image. Immutable.
 */
public final class HandLandmarks {

    private final Point[] points;
    private final Point[] fingertips;

    private HandLandmarks(Point[] points, Point[] fingertips) {
        this.points = points;
        this.fingertips = fingertips;
    }

    /**
     * @param points the seven reference points
     * @return landmarks without fingertips
     * @throws IllegalArgumentException if a reference point is missing
     */
    public static HandLandmarks of(Map<ReferencePoint, Point> points) {
        return of(points, Map.of());
    }

    /**
     * @param points     the seven reference points
     * @param fingertips all five fingertips, or none
     * @return the landmarks
     * @throws IllegalArgumentException if a reference point is missing, or some but not all fingertips are given
     */
    public static HandLandmarks of(Map<ReferencePoint, Point> points, Map<Finger, Point> fingertips) {
        Objects.requireNonNull(points, "points");
        Objects.requireNonNull(fingertips, "fingertips (use an empty map for none)");
        Point[] p = new Point[ReferencePoint.values().length];
        for (ReferencePoint rp : ReferencePoint.values()) {
            p[rp.ordinal()] = points.get(rp);
            if (p[rp.ordinal()] == null) {
                throw new IllegalArgumentException("reference point " + rp.columnPrefix() + " is missing");
            }
        }
        Point[] tips = null;
        if (!fingertips.isEmpty()) {
            tips = new Point[Finger.values().length];
            for (Finger f : Finger.values()) {
                tips[f.ordinal()] = fingertips.get(f);
                if (tips[f.ordinal()] == null) {
                    throw new IllegalArgumentException("fingertip " + f.tipColumnPrefix() + " is missing (give all five or none)");
                }
            }
        }
        return new HandLandmarks(p, tips);
    }

    /**
     * @param which the reference point
     * @return the given reference point
     */
    public Point point(ReferencePoint which) {
        return points[which.ordinal()];
    }

    /** @return the seven reference points in {@link ReferencePoint} order */
    public Map<ReferencePoint, Point> points() {
        Map<ReferencePoint, Point> m = new EnumMap<>(ReferencePoint.class);
        for (ReferencePoint rp : ReferencePoint.values()) {
            m.put(rp, points[rp.ordinal()]);
        }
        return m;
    }

    /** @return whether the five fingertips are known */
    public boolean hasFingertips() {
        return fingertips != null;
    }

    /**
     * @param finger the finger
     * @return the tip of the given finger, if fingertips are known
     */
    public Optional<Point> fingertip(Finger finger) {
        return fingertips == null ? Optional.empty() : Optional.of(fingertips[finger.ordinal()]);
    }

    /** @return the five fingertips in {@link Finger} order, or an empty map */
    public Map<Finger, Point> fingertips() {
        Map<Finger, Point> m = new EnumMap<>(Finger.class);
        if (fingertips != null) {
            for (Finger f : Finger.values()) {
                m.put(f, fingertips[f.ordinal()]);
            }
        }
        return m;
    }

    /**
     * @param tips the fingertips, one per finger given (fingers left out have none)
     * @return these landmarks with the fingertips replaced (or added)
     */
    public HandLandmarks withFingertips(Map<Finger, Point> tips) {
        return of(points(), tips);
    }

    /** @return the midpoint of the radius and ulna points: where the wrist is */
    public Point wristCentre() {
        return point(ReferencePoint.RADIUS).midpoint(point(ReferencePoint.ULNA));
    }

    /** @return the centroid of the five finger points */
    public Point fingerCentre() {
        double sx = 0;
        double sy = 0;
        for (ReferencePoint rp : ReferencePoint.values()) {
            if (rp.isFinger()) {
                sx += point(rp).x();
                sy += point(rp).y();
            }
        }
        return new Point(sx / 5, sy / 5);
    }

    /**
     * Hand size as used for landmark error figures: the distance from the middle-finger point to the radius-ulna
     * midpoint.
     *
     * @return the hand size in pixels
     */
    public double handSize() {
        return point(ReferencePoint.MIDDLE).distanceTo(wristCentre());
    }

    /**
     * Checks every point lies inside an image of the given size (0 &lt;= x &lt;= width, 0 &lt;= y &lt;= height).
     *
     * @param width the image's width in pixels
     * @param height the image's height in pixels
     * @return the name of the first point outside, e.g. {@code ring_x}, or empty when all are inside
     */
    public Optional<String> firstPointOutside(int width, int height) {
        for (ReferencePoint rp : ReferencePoint.values()) {
            Optional<String> bad = outside(point(rp), rp.columnPrefix(), width, height);
            if (bad.isPresent()) {
                return bad;
            }
        }
        if (fingertips != null) {
            for (Finger f : Finger.values()) {
                Optional<String> bad = outside(fingertips[f.ordinal()], f.tipColumnPrefix(), width, height);
                if (bad.isPresent()) {
                    return bad;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> outside(Point p, String prefix, int width, int height) {
        if (p.x() < 0 || p.x() > width) {
            return Optional.of(prefix + "_x");
        }
        if (p.y() < 0 || p.y() > height) {
            return Optional.of(prefix + "_y");
        }
        return Optional.empty();
    }

    /**
     * @param sx horizontal scale
     * @param sy vertical scale
     * @return the landmarks of the same image resized by (sx, sy)
     */
    public HandLandmarks scaled(double sx, double sy) {
        return map(p -> new Point(p.x() * sx, p.y() * sy));
    }

    /**
     * @param dx subtracted from every x
     * @param dy subtracted from every y
     * @return the landmarks in the coordinates of a crop whose top-left corner is (dx, dy)
     */
    public HandLandmarks translated(double dx, double dy) {
        return map(p -> new Point(p.x() - dx, p.y() - dy));
    }

    /**
     * @param f where each point goes (reference points and fingertips alike), e.g. a turn of the image
     * @return the landmarks with every point moved by {@code f}
     */
    public HandLandmarks map(java.util.function.UnaryOperator<Point> f) {
        Point[] p = Arrays.stream(points).map(f).toArray(Point[]::new);
        Point[] t = fingertips == null ? null : Arrays.stream(fingertips).map(f).toArray(Point[]::new);
        return new HandLandmarks(p, t);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HandLandmarks other
                && Arrays.equals(points, other.points)
                && Arrays.equals(fingertips, other.fingertips);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(points) + Arrays.hashCode(fingertips);
    }

    @Override
    public String toString() {
        return "HandLandmarks" + points() + (fingertips == null ? "" : " tips " + fingertips());
    }
}
