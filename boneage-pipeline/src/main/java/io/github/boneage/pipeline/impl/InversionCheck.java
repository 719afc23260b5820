package io.github.boneage.pipeline.impl;

import io.github.boneage.core.image.GreyImage;

/**
 * Decides whether a radiograph's grey scale is inverted (bone and soft tissue dark on a bright background) from two
 * global features of the contrast-stretched image: the mean of the border band, and that mean minus the mean of the
 * central region. On an ordinary radiograph the border is mostly dark background (the hand lies in the middle); on an
 * inverted one it is bright. A logistic score combines them; scores near zero are reported as uncertain so the caller
 * can consult a second cue instead of guessing.
 *
 * <p>The coefficients were fitted by logistic regression on 1,500 rsna-299 training images (not the default model's
 * held-out ids) and their inverted copies by {@code tools/fit_inversion_check.py}; measured accuracy and the uncertain
 * fraction on held-out images are in docs/safety.md. Thread-safe: no state.
 */
public final class InversionCheck {

    /** Intercept of the logistic score. */
    static final double INTERCEPT = -3.8026;
    /** Weight of the border band's mean, in the stretched [0, 1] scale. */
    static final double BORDER_WEIGHT = 7.6053;
    /** Weight of the border mean minus the central region's mean. */
    static final double CONTRAST_WEIGHT = 4.6340;
    /** Scores with an absolute value below this are uncertain (about 1.5% of held-out images and their inversions). */
    public static final double DEFAULT_MARGIN = 1.0;
    /** Border band width as a fraction of each side. */
    private static final double BAND = 0.1;

    private final double margin;

    /** @param margin scores within {@code ±margin} of zero are uncertain (0 decides every image) */
    public InversionCheck(double margin) {
        if (!(margin >= 0) || !Double.isFinite(margin)) {
            throw new IllegalArgumentException("margin must be finite and >= 0, got " + margin);
        }
        this.margin = margin;
    }

    /**
     * The check's finding on one image.
     *
     * @param score    the logistic score: positive means inverted
     * @param inverted whether the image reads as inverted
     * @param certain  whether the score clears the margin
     */
    public record Finding(double score, boolean inverted, boolean certain) {
    }

    /**
     * @param image the radiograph as it came
     * @return the finding
     */
    public Finding check(GreyImage image) {
        int w = image.width();
        int h = image.height();
        GreyStretch stretch = GreyStretch.of(image);
        int bh = Math.max(1, (int) (h * BAND));
        int bw = Math.max(1, (int) (w * BAND));
        double border = 0;
        long borderCount = 0;
        for (int y = 0; y < h; y++) {
            int rowBands = (y < bh ? 1 : 0) + (y >= h - bh ? 1 : 0);
            for (int x = 0; x < w; x++) {
                // The band is the top rows, the bottom rows, the left columns and the right columns, each taken whole,
                // so a corner pixel counts twice: the fitted coefficients assume exactly this weighting.
                int bands = rowBands + (x < bw ? 1 : 0) + (x >= w - bw ? 1 : 0);
                if (bands > 0) {
                    border += bands * stretched(stretch, image.get(x, y));
                    borderCount += bands;
                }
            }
        }
        double centre = 0;
        long centreCount = 0;
        for (int y = h / 4; y < 3 * h / 4; y++) {
            for (int x = w / 4; x < 3 * w / 4; x++) {
                centre += stretched(stretch, image.get(x, y));
                centreCount++;
            }
        }
        double borderMean = border / Math.max(1, borderCount);
        double centreMean = centre / Math.max(1, centreCount);
        double score = INTERCEPT + BORDER_WEIGHT * borderMean + CONTRAST_WEIGHT * (borderMean - centreMean);
        return new Finding(score, score > 0, Math.abs(score) >= margin);
    }

    private static double stretched(GreyStretch stretch, int value) {
        double v = stretch.apply(value);
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
