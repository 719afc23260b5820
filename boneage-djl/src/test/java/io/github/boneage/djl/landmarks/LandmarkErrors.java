package io.github.boneage.djl.landmarks;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.RoiScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Landmark accuracy with the same figures as docs/landmarks.md reports for the classical detector. */
final class LandmarkErrors {

    private final String name;
    private final List<Double> pointErrors = new ArrayList<>();
    private final List<List<Double>> byPoint = new ArrayList<>();
    private final List<Double> ious = new ArrayList<>();
    private int images;
    private int detected;
    private int allWithin15;

    LandmarkErrors(String name) {
        this.name = name;
        for (int i = 0; i < ReferencePoint.values().length; i++) {
            byPoint.add(new ArrayList<>());
        }
    }

    void failed() {
        images++;
    }

    void add(HandLandmarks found, HandLandmarks truth, int width, int height) {
        images++;
        detected++;
        double size = truth.handSize();
        double worst = 0;
        for (ReferencePoint rp : ReferencePoint.values()) {
            double e = 100 * found.point(rp).distanceTo(truth.point(rp)) / size;
            pointErrors.add(e);
            byPoint.get(rp.ordinal()).add(e);
            worst = Math.max(worst, e);
        }
        if (worst <= 15) {
            allWithin15++;
        }
        ious.add(RoiScheme.ROI1.region(width, height, found).iou(RoiScheme.ROI1.region(width, height, truth)));
    }

    double success() {
        return images == 0 ? Double.NaN : (double) detected / images;
    }

    double medianError() {
        return median(pointErrors);
    }

    double medianIou() {
        return median(ious);
    }

    /** @return share of all images (failures count against) whose seven points all lie within 15% of hand size */
    double allWithin15() {
        return images == 0 ? Double.NaN : (double) allWithin15 / images;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    @Override
    public String toString() {
        StringBuilder pts = new StringBuilder();
        for (ReferencePoint rp : ReferencePoint.values()) {
            pts.append(pts.length() == 0 ? "" : " ").append(rp.columnPrefix())
                    .append(String.format(Locale.ROOT, " %.1f", median(byPoint.get(rp.ordinal()))));
        }
        return String.format(Locale.ROOT, "%-34s %3d images, success %5.1f%%, median point error %5.2f%%, mean %6.2f%%, "
                        + "median ROI1 IoU %.3f, all 7 within 15%%: %5.1f%% [by point: %s]", name, images, 100 * success(),
                medianError(), pointErrors.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN), medianIou(),
                100 * allWithin15(), pts);
    }
}
