package io.github.boneage.core;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/**
 * A grey-level transform that reduces intensity variation between radiographs (histogram equalization and
 * relatives). Implementations are stateless and thread-safe; 16-bit input is equalized with full-depth histograms
 * and stays 16-bit.
 */
public interface Equalizer {

    /** @return the name used in CLI flags and preprocessing specs, e.g. {@code histeq-matlab} */
    String name();

    /**
     * Equalizes {@code src} into {@code dst} (caller-supplied, same size; may be {@code src} itself).
     *
     * @param src the image to equalize
     * @param dst where the result goes (caller-supplied, same size; may be {@code src} itself)
     * @throws IllegalArgumentException if the sizes differ
     */
    void apply(GreyImage8 src, GreyImage8 dst);

    /**
     * Equalizes {@code src} into {@code dst} (same size and bit depth; may be {@code src} itself).
     *
     * @param src the image to equalize
     * @param dst where the result goes (same size and bit depth; may be {@code src} itself)
     * @throws IllegalArgumentException if the sizes or bit depths differ
     */
    void apply(GreyImage16 src, GreyImage16 dst);

    /**
     * @param src the image to equalize (unchanged)
     * @return a new equalized image of the same type and bit depth as {@code src}
     */
    default GreyImage apply(GreyImage src) {
        if (src instanceof GreyImage8 g8) {
            GreyImage8 out = g8.createSameShape();
            apply(g8, out);
            return out;
        }
        GreyImage16 g16 = (GreyImage16) src;
        GreyImage16 out = g16.createSameShape();
        apply(g16, out);
        return out;
    }
}
