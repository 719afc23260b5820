package io.github.boneage.synthetic.impl;

import io.github.boneage.core.Sex;
import io.github.boneage.synthetic.Carpal;
import io.github.boneage.synthetic.EpiphysisGroup;
import io.github.boneage.synthetic.EpiphysisState;

/**
 * Skeletal maturation timelines of the synthetic hand, in months, for girls and boys. They are rounded textbook
 * figures (order of carpal appearance, epiphyses appearing in the first years, capping before puberty, fusion in
 * adolescence, girls about 1.5-2 years ahead at the end): plausible enough for a network to learn, not a reference.
 */
public final class Maturity {

    /** Age (months) at which the carpals reach their adult shape, girls / boys. */
    private static final double[] CARPAL_MATURE = {168, 192};
    /** Size of a carpal centre when it first appears, relative to the adult bone. */
    private static final double CARPAL_FIRST_SIZE = 0.2;
    /** Width ratio of an epiphysis when it first appears, and when it caps the metaphysis just before fusing. */
    private static final double EPIPHYSIS_FIRST_RATIO = 0.3;
    private static final double EPIPHYSIS_CAPPED_RATIO = 1.08;

    /** Appearance (months) of each carpal's ossification centre, girls then boys, in {@link Carpal} order. */
    private static final double[][] CARPAL_APPEARANCE = {
        {2, 3}, // capitate
        {3, 4}, // hamate
        {24, 30}, // triquetrum
        {36, 48}, // lunate
        {48, 66}, // trapezium
        {50, 70}, // trapezoid
        {54, 72}, // scaphoid
        {108, 144}, // pisiform
    };

    /**
     * Per {@link EpiphysisGroup}: appearance, as wide as the metaphysis, fusion starts, fusion complete; girls then
     * boys.
     */
    private static final double[][][] EPIPHYSIS_TIMELINE = {
        {{10, 132, 174, 198}, {15, 156, 198, 222}}, // radius
        {{72, 138, 168, 192}, {84, 162, 192, 216}}, // ulna
        {{14, 120, 162, 180}, {20, 144, 186, 204}}, // metacarpals
        {{12, 120, 162, 180}, {16, 144, 186, 204}}, // proximal phalanges
        {{20, 120, 162, 180}, {28, 144, 186, 204}}, // middle phalanges
        {{16, 114, 150, 168}, {22, 138, 174, 192}}, // distal phalanges
    };

    /** Hand length (wrist to tip of the middle finger, mm) at the ages in {@link #GROWTH_AGES}: girls, boys. */
    private static final double[] GROWTH_AGES = {0, 6, 12, 24, 36, 48, 60, 72, 96, 120, 144, 168, 192, 216, 228};
    private static final double[][] HAND_LENGTH_MM = {
        {62, 72, 80, 92, 101, 109, 116, 122, 134, 146, 160, 168, 170, 171, 171},
        {64, 74, 82, 94, 103, 111, 118, 124, 136, 147, 159, 175, 186, 190, 190},
    };

    private Maturity() {
    }

    private static int column(Sex sex) {
        if (sex == Sex.UNKNOWN) {
            throw new IllegalArgumentException("synthetic maturation needs a definite sex, got " + sex);
        }
        return sex == Sex.FEMALE ? 0 : 1;
    }

    /**
     * @param carpal     the bone
     * @param ageMonths  age
     * @param sex        {@link Sex#MALE} or {@link Sex#FEMALE}
     * @return 0 before the centre appears, else its size relative to the adult bone, in (0, 1]
     */
    public static double carpalSize(Carpal carpal, double ageMonths, Sex sex) {
        int c = column(sex);
        double appear = CARPAL_APPEARANCE[carpal.ordinal()][c];
        if (ageMonths < appear) {
            return 0;
        }
        double progress = Math.min(1, (ageMonths - appear) / (CARPAL_MATURE[c] - appear));
        return CARPAL_FIRST_SIZE + (1 - CARPAL_FIRST_SIZE) * StrictMath.pow(progress, 0.65);
    }

    /**
     * @param group     the group of epiphyses
     * @param ageMonths age
     * @param sex       {@link Sex#MALE} or {@link Sex#FEMALE}
     * @return the stage of that group at that age
     */
    public static EpiphysisState epiphysis(EpiphysisGroup group, double ageMonths, Sex sex) {
        double[] t = EPIPHYSIS_TIMELINE[group.ordinal()][column(sex)];
        double appear = t[0];
        double wide = t[1];
        double fuseStart = t[2];
        double fuseEnd = t[3];
        if (ageMonths < appear) {
            return EpiphysisState.ABSENT;
        }
        double ratio;
        if (ageMonths < wide) {
            double p = (ageMonths - appear) / (wide - appear);
            ratio = EPIPHYSIS_FIRST_RATIO + (1 - EPIPHYSIS_FIRST_RATIO) * StrictMath.pow(p, 0.8);
        } else if (ageMonths < fuseStart) {
            ratio = 1 + (EPIPHYSIS_CAPPED_RATIO - 1) * (ageMonths - wide) / (fuseStart - wide);
        } else {
            ratio = EPIPHYSIS_CAPPED_RATIO;
        }
        double fusion = ageMonths <= fuseStart ? 0 : Math.min(1, (ageMonths - fuseStart) / (fuseEnd - fuseStart));
        return new EpiphysisState(true, ratio, fusion);
    }

    /** @return the width ratio of a fully grown epiphysis, for the cartilage space the model reserves for it */
    public static double cappedRatio() {
        return EPIPHYSIS_CAPPED_RATIO;
    }

    /**
     * @param ageMonths age
     * @param sex       {@link Sex#MALE} or {@link Sex#FEMALE}
     * @return hand length, wrist to the tip of the middle finger, in mm
     */
    public static double handLengthMm(double ageMonths, Sex sex) {
        double[] lengths = HAND_LENGTH_MM[column(sex)];
        if (ageMonths >= GROWTH_AGES[GROWTH_AGES.length - 1]) {
            return lengths[lengths.length - 1];
        }
        int i = 0;
        while (GROWTH_AGES[i + 1] < ageMonths) {
            i++;
        }
        double f = (ageMonths - GROWTH_AGES[i]) / (GROWTH_AGES[i + 1] - GROWTH_AGES[i]);
        return lengths[i] + f * (lengths[i + 1] - lengths[i]);
    }

    /** @return the largest hand length of the model (adult boy), in mm */
    public static double adultHandLengthMm() {
        return HAND_LENGTH_MM[1][HAND_LENGTH_MM[1].length - 1];
    }
}
