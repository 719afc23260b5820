package io.github.boneage.preprocess.landmarks;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.RoiScheme;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Accumulates landmark accuracy the way docs/landmarks.md reports it. */
final class LandmarkAccuracy {

    private final List<Double> pointErrors = new ArrayList<>();
    private final List<List<Double>> errorsByPoint = new ArrayList<>();
    private final List<Double> imageMeanErrors = new ArrayList<>();
    private final List<Double> roi1Ious = new ArrayList<>();
    private int images;
    private int detected;

    LandmarkAccuracy() {
        for (int i = 0; i < ReferencePoint.values().length; i++) {
            errorsByPoint.add(new ArrayList<>());
        }
    }

    /** Counts an image on which detection failed. */
    void failed() {
        images++;
    }

    /**
     * @param found  detected landmarks
     * @param truth  annotated landmarks
     * @param width  image width
     * @param height image height
     */
    void add(HandLandmarks found, HandLandmarks truth, int width, int height) {
        images++;
        detected++;
        double size = truth.handSize();
        double sum = 0;
        for (ReferencePoint rp : ReferencePoint.values()) {
            double e = 100 * found.point(rp).distanceTo(truth.point(rp)) / size;
            pointErrors.add(e);
            errorsByPoint.get(rp.ordinal()).add(e);
            sum += e;
        }
        imageMeanErrors.add(sum / 7);
        roi1Ious.add(RoiScheme.ROI1.region(width, height, found).iou(RoiScheme.ROI1.region(width, height, truth)));
    }

    /** @return median over all points of all detected images, in % of hand size */
    double medianPointError() {
        return median(pointErrors);
    }

    /** @return mean over all points of all detected images, in % of hand size */
    double meanPointError() {
        return pointErrors.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** @return the median error of each reference point, in % of hand size, e.g. {@code thumb 4.1, index 3.2, ...} */
    String medianByPoint() {
        StringBuilder sb = new StringBuilder();
        for (ReferencePoint rp : ReferencePoint.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(rp.columnPrefix())
                    .append(String.format(Locale.ROOT, " %.1f", median(errorsByPoint.get(rp.ordinal()))));
        }
        return sb.toString();
    }

    /** @return median ROI1 IoU over detected images */
    double medianRoi1Iou() {
        return median(roi1Ious);
    }

    /** @return share of images with a detection */
    double successRate() {
        return images == 0 ? Double.NaN : (double) detected / images;
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
        return String.format(Locale.ROOT,
                "%d images, success %.1f%%, point error median %.2f%% mean %.2f%% of hand size, ROI1 IoU median %.3f",
                images, 100 * successRate(), medianPointError(), meanPointError(), medianRoi1Iou());
    }
}
