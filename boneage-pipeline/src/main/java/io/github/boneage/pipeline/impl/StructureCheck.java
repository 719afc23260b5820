package io.github.boneage.pipeline.impl;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import java.util.Arrays;

/**
 * Asks whether the region of the carpals and metacarpals (ROI1 of the located points) shows bone structure at all. A
 * hand radiograph has bright bone shafts beside darker soft tissue there; a flat silhouette, a glove photograph or a
 * burnt-out film is nearly uniform. The measure is the spread between the 10th and 90th percentile of ROI1 after
 * averaging it into cells of at least 1/48 of its size (so pixel noise does not count as structure), on the grey
 * scale stretched to the image's own 1st..99th percentile. The threshold sits far below every real radiograph
 * measured (docs/safety.md gives the distribution).
 * Thread-safe: no state.
 */
public final class StructureCheck {

    /** Default minimum spread of ROI1 (fraction of the image's stretched grey range). */
    public static final double DEFAULT_MIN_SPREAD = 0.08;
    /** Cells across the longer side of ROI1. */
    private static final int CELLS = 48;

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
     * @param spread      p90 - p10 of the cell means in ROI1, as a fraction of the image's stretched range
     * @param hasStructure whether the spread reaches the minimum
     */
    public record Finding(double spread, boolean hasStructure) {
    }

    /**
     * @param image     the upright radiograph
     * @param landmarks its reference points
     * @return the finding
     */
    public Finding check(GreyImage image, HandLandmarks landmarks) {
        GreyStretch stretch = GreyStretch.of(image);
        Roi roi = RoiScheme.ROI1.region(image.width(), image.height(), landmarks);
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
}
