package io.github.boneage.pipeline.impl;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Roi;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import java.util.Arrays;

/**
 * Asks whether the palm of an upright hand shows bone structure at all. A hand radiograph has bright metacarpal
 * shafts and carpals beside darker soft tissue there; a flat silhouette, a glove photograph or a burnt-out film is
 * nearly uniform. The palm box lies between the index and little finger points across, and between the finger points
 * and the wrist points along the hand, shrunk by a tenth on each side, so it is inside the hand (no background). The
 * measure is the spread between the 10th and 90th percentile of that box after averaging it into cells of 1/24 of its
 * longer side (so pixel noise does not count as structure), on the grey scale stretched to the image's own 1st..99th
 * percentile. The threshold sits far below every real radiograph measured (docs/safety.md gives the distribution).
 * Thread-safe: no state.
 */
public final class StructureCheck {

    /** Default minimum spread of ROI1 (fraction of the image's stretched grey range). */
    public static final double DEFAULT_MIN_SPREAD = 0.03;
    /** Cells across the longer side of the palm box. */
    private static final int CELLS = 24;
    /** Fraction of the palm box's width and height cut from each side. */
    private static final double SHRINK = 0.1;

    private final double minSpread;

    /** @param minSpread the minimum spread, in [0, 1] */
    public StructureCheck(double minSpread) {
        if (!(minSpread >= 0 && minSpread <= 1)) {
            throw new IllegalArgumentException("minimum spread must lie in [0, 1], got " + minSpread);
        }
        this.minSpread = minSpread;
    }

    /** @return the minimum spread an image must reach */
    public double minSpread() {
        return minSpread;
    }

    /**
     * The check's finding.
     *
     * @param spread      p90 - p10 of the cell means in the palm box, as a fraction of the image's stretched range
     * @param hasStructure whether the spread reaches the minimum
     */
    public record Finding(double spread, boolean hasStructure) {
    }

    /**
     * @param image     the radiograph, upright (fingers up)
     * @param landmarks its reference points
     * @return the finding
     */
    public Finding check(GreyImage image, HandLandmarks landmarks) {
        GreyStretch stretch = GreyStretch.of(image);
        Roi roi = palm(image, landmarks);
        int cell = Math.max(1, Math.max(roi.width(), roi.height()) / CELLS);
        int cols = Math.max(1, roi.width() / cell);
        int rows = Math.max(1, roi.height() / cell);
        double[] means = new double[cols * rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double sum = 0;
                int n = 0;
                for (int y = roi.y() + r * cell; y < Math.min(roi.maxY(), roi.y() + (r + 1) * cell); y++) {
                    for (int x = roi.x() + c * cell; x < Math.min(roi.maxX(), roi.x() + (c + 1) * cell); x++) {
                        sum += image.get(x, y);
                        n++;
                    }
                }
                means[r * cols + c] = n == 0 ? 0 : stretch.apply(sum / n);
            }
        }
        Arrays.sort(means);
        double spread = means[(int) (0.9 * (means.length - 1))] - means[(int) (0.1 * (means.length - 1))];
        return new Finding(spread, spread >= minSpread);
    }

    /** @return the palm box of an upright hand, inside the image */
    static Roi palm(GreyImage image, HandLandmarks landmarks) {
        double left = Math.min(landmarks.point(ReferencePoint.INDEX).x(), landmarks.point(ReferencePoint.LITTLE).x());
        double right = Math.max(landmarks.point(ReferencePoint.INDEX).x(), landmarks.point(ReferencePoint.LITTLE).x());
        double top = landmarks.fingerCentre().y();
        double bottom = landmarks.wristCentre().y();
        if (bottom < top) {
            double t = top;
            top = bottom;
            bottom = t;
        }
        double dx = SHRINK * (right - left);
        double dy = SHRINK * (bottom - top);
        return Roi.enclosing(left + dx, top + dy, right - dx, bottom - dy, image.width(), image.height());
    }
}
