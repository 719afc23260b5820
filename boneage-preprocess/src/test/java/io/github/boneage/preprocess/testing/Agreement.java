package io.github.boneage.preprocess.testing;

import io.github.boneage.core.image.GreyImage;

/** Accumulates absolute differences between two implementations' outputs, for agreement figures. */
public final class Agreement {

    private final String label;
    private long samples;
    private long differing;
    private double sumAbs;
    private int maxAbs;

    /** @param label what is compared, for the summary line */
    public Agreement(String label) {
        this.label = label;
    }

    /** Adds one pair of images of the same size. */
    public void add(GreyImage ours, GreyImage reference) {
        if (ours.width() != reference.width() || ours.height() != reference.height()) {
            throw new IllegalArgumentException("sizes differ: " + ours.width() + "x" + ours.height() + " vs "
                    + reference.width() + "x" + reference.height());
        }
        for (int y = 0; y < ours.height(); y++) {
            for (int x = 0; x < ours.width(); x++) {
                int d = Math.abs(ours.get(x, y) - reference.get(x, y));
                sumAbs += d;
                maxAbs = Math.max(maxAbs, d);
                if (d != 0) {
                    differing++;
                }
                samples++;
            }
        }
    }

    /** @return mean absolute difference per sample */
    public double mean() {
        return samples == 0 ? 0 : sumAbs / samples;
    }

    /** @return largest absolute difference */
    public int max() {
        return maxAbs;
    }

    /** @return fraction of samples that differ */
    public double fractionDiffering() {
        return samples == 0 ? 0 : (double) differing / samples;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: %d samples, mean |diff| %.5f, max |diff| %d, differing %.4f%%",
                label, samples, mean(), maxAbs, 100 * fractionDiffering());
    }
}
