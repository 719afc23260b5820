package io.github.boneage.djl.landmarks.impl;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import java.util.EnumMap;
import java.util.Map;

/**
 * The order of the learned detector's heatmaps: the seven reference points in {@link ReferencePoint} order, then the
 * five fingertips in {@link Finger} order.
 */
public final class PointOrder {

    /** Number of heatmaps. */
    public static final int COUNT = ReferencePoint.values().length + Finger.values().length;
    /** Number of reference points (the first heatmaps). */
    public static final int REFERENCE = ReferencePoint.values().length;

    private PointOrder() {
    }

    /** @return the heatmap names in order, e.g. {@code thumb ... ulna tip_thumb ... tip_little} */
    public static String[] names() {
        String[] out = new String[COUNT];
        for (ReferencePoint rp : ReferencePoint.values()) {
            out[rp.ordinal()] = rp.columnPrefix();
        }
        for (Finger f : Finger.values()) {
            out[REFERENCE + f.ordinal()] = f.tipColumnPrefix();
        }
        return out;
    }

    /**
     * @param lm landmarks
     * @return x then y of every heatmap's point, {@code NaN} where the landmarks have no fingertips
     */
    public static double[][] coordinates(HandLandmarks lm) {
        double[] xs = new double[COUNT];
        double[] ys = new double[COUNT];
        for (ReferencePoint rp : ReferencePoint.values()) {
            xs[rp.ordinal()] = lm.point(rp).x();
            ys[rp.ordinal()] = lm.point(rp).y();
        }
        for (Finger f : Finger.values()) {
            Point p = lm.fingertip(f).orElse(null);
            xs[REFERENCE + f.ordinal()] = p == null ? Double.NaN : p.x();
            ys[REFERENCE + f.ordinal()] = p == null ? Double.NaN : p.y();
        }
        return new double[][] {xs, ys};
    }

    /**
     * @param xs x per heatmap
     * @param ys y per heatmap
     * @return the landmarks with fingertips
     */
    public static HandLandmarks landmarks(double[] xs, double[] ys) {
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        for (ReferencePoint rp : ReferencePoint.values()) {
            points.put(rp, new Point(xs[rp.ordinal()], ys[rp.ordinal()]));
        }
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        for (Finger f : Finger.values()) {
            tips.put(f, new Point(xs[REFERENCE + f.ordinal()], ys[REFERENCE + f.ordinal()]));
        }
        return HandLandmarks.of(points, tips);
    }
}
