package io.github.boneage.synthetic;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Roi;
import io.github.boneage.core.Sex;
import io.github.boneage.core.image.GreyImage;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * One synthetic hand radiograph with its exact ground truth: landmarks (the seven reference points and the five
 * fingertips), age, sex, pose, appearance and maturation stage. It has no clinical meaning.
 *
 * <p>The image array is the generator's output and not copied: treat it as read-only, or {@code copy()} it first.
 */
public final class SyntheticHand {

    private final long index;
    private final GreyImage image;
    private final HandLandmarks landmarks;
    private final int ageMonths;
    private final Sex sex;
    private final SyntheticPose pose;
    private final SyntheticAppearance appearance;
    private final double handLengthMm;
    private final Set<Carpal> ossifiedCarpals;
    private final Map<EpiphysisGroup, EpiphysisState> epiphyses;
    private final Map<AgeSignalRegion, Roi> regionBounds;

    SyntheticHand(long index, GreyImage image, HandLandmarks landmarks, int ageMonths, Sex sex, SyntheticPose pose,
            SyntheticAppearance appearance, double handLengthMm, Set<Carpal> ossifiedCarpals,
            Map<EpiphysisGroup, EpiphysisState> epiphyses, Map<AgeSignalRegion, Roi> regionBounds) {
        this.index = index;
        this.image = image;
        this.landmarks = landmarks;
        this.ageMonths = ageMonths;
        this.sex = sex;
        this.pose = pose;
        this.appearance = appearance;
        this.handLengthMm = handLengthMm;
        this.ossifiedCarpals = Collections.unmodifiableSet(
                ossifiedCarpals.isEmpty() ? EnumSet.noneOf(Carpal.class) : EnumSet.copyOf(ossifiedCarpals));
        this.epiphyses = Collections.unmodifiableMap(new EnumMap<>(epiphyses));
        this.regionBounds = Collections.unmodifiableMap(new EnumMap<>(regionBounds));
    }

    /** @return the sample index this hand was generated for */
    public long index() {
        return index;
    }

    /** @return the radiograph: a {@code GreyImage8}, or a {@code GreyImage16} when a bit depth above 8 was chosen */
    public GreyImage image() {
        return image;
    }

    /** @return the seven reference points and the five fingertips, in pixel coordinates of {@link #image()} */
    public HandLandmarks landmarks() {
        return landmarks;
    }

    /** @return age in whole months, as in RSNA labels; a synthetic hand's bone age equals it by construction */
    public int ageMonths() {
        return ageMonths;
    }

    /** @return {@link Sex#MALE} or {@link Sex#FEMALE} */
    public Sex sex() {
        return sex;
    }

    /** @return rotation, scale, mirroring and finger pose used */
    public SyntheticPose pose() {
        return pose;
    }

    /** @return exposure, display and distractor settings used */
    public SyntheticAppearance appearance() {
        return appearance;
    }

    /** @return the modelled hand length, wrist to the tip of the middle finger, in millimetres */
    public double handLengthMm() {
        return handLengthMm;
    }

    /** @return the carpals whose ossification centre is drawn */
    public Set<Carpal> ossifiedCarpals() {
        return ossifiedCarpals;
    }

    /**
     * @param group the group of epiphyses
     * @return the maturation stage of the given group of epiphyses
     */
    public EpiphysisState epiphysis(EpiphysisGroup group) {
        return epiphyses.get(group);
    }

    /**
     * The image box of a region where an age signal can live: the carpals at their full adult extent (so the box
     * exists before any centre has appeared), the distal radius and ulna with their epiphyses, all phalanges, or
     * (for {@link AgeSignalRegion#WHOLE_HAND}) the whole hand. Clamped to the image.
     *
     * @param region the region
     * @return its bounding box in pixels
     */
    public Roi regionBounds(AgeSignalRegion region) {
        return regionBounds.get(region);
    }

    @Override
    public String toString() {
        return "SyntheticHand[index=" + index + ", " + image.width() + "x" + image.height() + "x" + image.bitDepth()
                + "bit, age=" + ageMonths + " months, " + sex.label() + ", carpals=" + ossifiedCarpals.size() + ", "
                + pose + "]";
    }
}
