package io.github.boneage.pipeline.impl;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;

/**
 * The grey-scale polarity read at located reference points: how much brighter the bone around the seven points is
 * than the median grey of the region around the hand, on the scale that maps that region's 1st percentile to 0 and
 * its 99th to 1. Positive on an ordinary radiograph (bright bone), negative on an inverted one, and (up to the
 * percentiles' rounding) negated by inverting the image.
 *
 * <p>It answers the polarity question where the global grey-scale statistic ({@link InversionCheck}) is unsure and
 * the classical detector cannot tell either (on films with grey backgrounds, frames and collimation edges it reads
 * badly both ways): the learned detector places the points on either polarity, and the pixels there then say which
 * one the image has. The region, not the whole image, is the reference because a bright unexposed frame around a grey
 * exposure field can hold most of an image's pixels (its median is then brighter than the bone). Only a clear
 * difference decides; the pipeline refuses the rest. Thread-safe: no state.
 */
public final class PointPolarity {

    /**
     * The half-side of the square read around each point, as a fraction of the hand size: about a joint's width, so
     * that the square covers bone ends on both sides of a joint space.
     */
    static final double NEIGHBOURHOOD = 0.03;

    /** How far the region around the hand extends beyond the points' bounding box, as a fraction of the hand size. */
    static final double REGION_MARGIN = 0.5;

    private PointPolarity() {
    }

    /**
     * @param image  the image the points lie on
     * @param points the seven reference points on it
     * @return the mean stretched grey in squares around the points minus the stretched median grey of the region
     *         around the hand, in about [-1, 1]; 0 when the region does not overlap the image
     */
    public static double contrast(GreyImage image, HandLandmarks points) {
        double size = points.handSize();
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (ReferencePoint rp : ReferencePoint.values()) {
            Point p = points.point(rp);
            minX = Math.min(minX, p.x());
            minY = Math.min(minY, p.y());
            maxX = Math.max(maxX, p.x());
            maxY = Math.max(maxY, p.y());
        }
        int x0 = Math.max(0, (int) Math.floor(minX - REGION_MARGIN * size));
        int y0 = Math.max(0, (int) Math.floor(minY - REGION_MARGIN * size));
        int x1 = Math.min(image.width() - 1, (int) Math.ceil(maxX + REGION_MARGIN * size));
        int y1 = Math.min(image.height() - 1, (int) Math.ceil(maxY + REGION_MARGIN * size));
        if (x0 > x1 || y0 > y1) {
            return 0;
        }
        int[] histogram = GreyStretch.histogram(image, x0, y0, x1 + 1, y1 + 1);
        long total = (long) (x1 - x0 + 1) * (y1 - y0 + 1);
        GreyStretch stretch = GreyStretch.of(histogram, total);
        double median = stretch.apply(GreyStretch.percentile(histogram, total, 0.5));
        int half = Math.max(1, (int) Math.round(NEIGHBOURHOOD * size));
        double sum = 0;
        long n = 0;
        for (ReferencePoint rp : ReferencePoint.values()) {
            Point p = points.point(rp);
            int cx = (int) Math.floor(p.x());
            int cy = (int) Math.floor(p.y());
            for (int y = Math.max(y0, cy - half); y <= Math.min(y1, cy + half); y++) {
                for (int x = Math.max(x0, cx - half); x <= Math.min(x1, cx + half); x++) {
                    sum += stretch.apply(image.get(x, y));
                    n++;
                }
            }
        }
        return n == 0 ? 0 : sum / n - median;
    }
}
