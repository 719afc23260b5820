package io.github.boneage.preprocess.equalize;

import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/** The identity: copies the image (method {@code none}). */
public final class NoEqualizer extends LookupTableEqualizer {

    /** The method name. */
    public static final String NAME = "none";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int[] lookupTable(int[] histogram, int bitDepth) {
        requireBins(histogram, bitDepth);
        int[] lut = new int[histogram.length];
        for (int v = 0; v < lut.length; v++) {
            lut[v] = v;
        }
        return lut;
    }

    @Override
    public void apply(GreyImage8 src, GreyImage8 dst) {
        ImageChecks.requireSameShape(src, dst);
        System.arraycopy(src.data(), 0, dst.data(), 0, src.data().length);
    }

    @Override
    public void apply(GreyImage16 src, GreyImage16 dst) {
        ImageChecks.requireSameShape(src, dst);
        Histograms.requireInRange(src);
        System.arraycopy(src.data(), 0, dst.data(), 0, src.data().length);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
