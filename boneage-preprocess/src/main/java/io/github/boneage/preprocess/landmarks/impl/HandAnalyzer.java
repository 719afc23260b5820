package io.github.boneage.preprocess.landmarks.impl;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.QualityVerdict;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The image-analysis half of the classical detector: reduces the radiograph, segments it, applies the shape tests of
 * the quality gate and measures the hand's shape. Stateless and thread-safe.
 */
public final class HandAnalyzer {

    /** Smallest image side, in pixels, that can be analysed. */
    public static final int MIN_SIDE = 32;
    /**
     * Largest ratio of the longer to the shorter side that can be analysed: at the default working side of 256 px the
     * shorter side is then still 16 px, wider than the border band and the morphology the analysis uses. A hand
     * radiograph lies near 1:1; a strip beyond 16:1 is not a hand.
     */
    public static final double MAX_ASPECT_RATIO = 16;
    /** Grey levels (of 255) by which the bright class must stand out from the dark one for anything to be found. */
    static final double MIN_CONTRAST = 8;
    /** A second object with at least this many fingertips counts as a second hand. */
    static final int SECOND_HAND_MIN_TIPS = 3;
    /** A hand covers at least this share of the analysed area. */
    static final double MIN_HAND_SHARE = 0.03;
    /** An object covering more than this share of the analysed area is an exposure field or a body, not a hand. */
    static final double MAX_HAND_SHARE = 0.80;
    /** A second object at least this large relative to the first is a second hand. */
    static final double SECOND_HAND_RATIO = 0.45;
    /** An object this convex (area over convex-hull area) has no fingers. */
    static final double MAX_SOLIDITY = 0.90;
    /** Fewer fingertips than this on a fairly convex object means it is not a hand. */
    static final int MIN_TIPS_IF_CONVEX = 2;
    /** Solidity above which the fingertip count decides. */
    static final double CONVEX_SOLIDITY = 0.82;

    /** Fragments within this many working pixels of the hand belong to it (finger segments cut off at joints). */
    static final int JOIN_REACH = 2;

    private final int workingSide;

    /** @param workingSide longer side, in pixels, of the reduced image the analysis runs on */
    public HandAnalyzer(int workingSide) {
        this.workingSide = workingSide;
    }

    /** What the analysis found. */
    public static final class Analysis {
        /** The quality gate's verdict so far: {@code null} when a hand was measured. */
        public final QualityVerdict rejection;
        /** Why the image was rejected, or a summary of the hand. */
        public final String reason;
        /** The hand, when one was measured. */
        public final HandShape shape;
        /** Original pixels per working pixel, horizontally. */
        public final double scaleX;
        /** Original pixels per working pixel, vertically. */
        public final double scaleY;
        /** Whether the image was read inverted. */
        public final boolean inverted;

        Analysis(QualityVerdict rejection, String reason, HandShape shape, WorkImage work, boolean inverted) {
            this.rejection = rejection;
            this.reason = reason;
            this.shape = shape;
            this.scaleX = work == null ? 1 : work.scaleX();
            this.scaleY = work == null ? 1 : work.scaleY();
            this.inverted = inverted;
        }
    }

    /**
     * The hand's filled segmentation mask as a {@link HandMask} over the image, one cell per working pixel: what the
     * learned detector's mask head is trained towards and compared with.
     *
     * @param image the radiograph
     * @return the mask, when the analysis accepts a hand and the working image is no larger than the image (a cell per
     *         working pixel must cover at least one image pixel); empty otherwise
     */
    public Optional<HandMask> handMask(GreyImage image) {
        Analysis a = analyse(image);
        if (a.rejection != null || a.shape == null || a.shape.width > image.width() || a.shape.height > image.height()) {
            return Optional.empty();
        }
        float[] p = new float[a.shape.mask.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = a.shape.mask[i] ? 1f : 0f;
        }
        return Optional.of(new HandMask(image.width(), image.height(), a.shape.width, a.shape.height, p));
    }

    /**
     * @param image the radiograph
     * @return the analysis; never null
     */
    public Analysis analyse(GreyImage image) {
        if (image.width() < MIN_SIDE || image.height() < MIN_SIDE) {
            return new Analysis(QualityVerdict.NO_HAND, String.format(Locale.ROOT,
                    "image is %dx%d, smaller than the %d px needed to find a hand", image.width(), image.height(), MIN_SIDE),
                    null, null, false);
        }
        int shorter = Math.min(image.width(), image.height());
        int longer = Math.max(image.width(), image.height());
        if (longer > MAX_ASPECT_RATIO * shorter) {
            return new Analysis(QualityVerdict.NOT_A_HAND, String.format(Locale.ROOT,
                    "not a hand: the image is %dx%d, its sides %.1f : 1, beyond the %.0f : 1 a hand radiograph can have",
                    image.width(), image.height(), longer / (double) shorter, MAX_ASPECT_RATIO), null, null, false);
        }
        WorkImage work = WorkImage.reduce(image, workingSide);
        Segmentation seg = Segmentation.of(work);
        int inner = Math.max(1, seg.analysedArea());
        List<Segmentation.Component> components = seg.components();
        boolean inverted = seg.inverted();
        if (seg.contrast() < MIN_CONTRAST) {
            return new Analysis(QualityVerdict.NO_HAND, String.format(Locale.ROOT,
                    "no hand found: nothing stands out from the background (contrast %.1f of 255 grey levels)",
                    seg.contrast()), null, work, inverted);
        }
        if (components.isEmpty() || components.get(0).area() < MIN_HAND_SHARE * inner) {
            String largest = components.isEmpty() ? "nothing stands out from the background"
                    : String.format(Locale.ROOT, "the largest bright object covers %.1f%% of the image",
                            100.0 * components.get(0).area() / inner);
            return new Analysis(QualityVerdict.NO_HAND, "no hand found: " + largest
                    + String.format(Locale.ROOT, " (a hand covers at least %.0f%%)", 100 * MIN_HAND_SHARE),
                    null, work, inverted);
        }
        Segmentation.Component first = components.get(0);
        if (first.area() > MAX_HAND_SHARE * inner) {
            return new Analysis(QualityVerdict.NOT_A_HAND, String.format(Locale.ROOT,
                    "not a hand: one object covers %.0f%% of the image", 100.0 * first.area() / inner),
                    null, work, inverted);
        }
        if (components.size() > 1 && components.get(1).area() >= SECOND_HAND_RATIO * first.area()
                && looksLikeAHand(seg, components.get(1), work)) {
            return new Analysis(QualityVerdict.MULTIPLE_HANDS, String.format(Locale.ROOT,
                    "more than one hand: two objects of %.0f%% and %.0f%% of the image",
                    100.0 * first.area() / inner, 100.0 * components.get(1).area() / inner),
                    null, work, inverted);
        }
        boolean[] mask = seg.joinedMask(first, JOIN_REACH);
        HandShape shape = HandShape.of(mask, work.width(), work.height(), seg.analysed());
        int tips = shape.tipRays.length;
        if (shape.solidity > MAX_SOLIDITY || (shape.solidity > CONVEX_SOLIDITY && tips < MIN_TIPS_IF_CONVEX)) {
            return new Analysis(QualityVerdict.NOT_A_HAND, String.format(Locale.ROOT,
                    "not a hand: the object is too convex for a hand with fingers (solidity %.2f, %d finger-like "
                            + "protrusion(s))", shape.solidity, tips), shape, work, inverted);
        }
        return new Analysis(null, String.format(Locale.ROOT, "hand found: %d fingertip(s), solidity %.2f", tips,
                shape.solidity), shape, work, inverted);
    }

    /** A comparable second object without fingers (a strip of the field edge, a ruler) does not count as a hand. */
    private static boolean looksLikeAHand(Segmentation seg, Segmentation.Component component, WorkImage work) {
        HandShape other = HandShape.of(seg.joinedMask(component, JOIN_REACH), work.width(), work.height(), seg.analysed());
        return other.tipRays.length >= SECOND_HAND_MIN_TIPS && other.solidity <= MAX_SOLIDITY;
    }
}
