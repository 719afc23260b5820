package io.github.boneage.preprocess.landmarks.impl;

import io.github.boneage.core.ReferencePoint;

/**
 * The inputs and outputs of {@link PointModel}, all in the hand frame of a {@link HandShape}: across-hand u and
 * along-hand v, in palm radii from the palm centre. Every feature vector starts with the constant 1.
 */
public final class Features {

    /** Levels along the hand (palm radii) at which the mask's width is measured: palm, wrist, forearm. */
    private static final double[] TIP_MODEL_LEVELS = {-1.5, -2.5};
    private static final double[] OUTLINE_MODEL_LEVELS = {-2.5, -1.5, -0.5, 0.5, 1.5};

    /**
     * For each reference point, the tip-model features its position is fitted from (indices into {@link #full}):
     * a finger's point from its own tip and the valleys beside it, the radius and ulna from the wrist's extent and
     * the outer valleys. Fewer inputs per point keep the fit stable on a small annotated set.
     */
    public static final int[][] TIPS_INPUTS = {
        {0, 1, 2, 3, 4, 11, 12, 19, 20},
        {0, 3, 4, 11, 12, 13, 14},
        {0, 5, 6, 13, 14, 15, 16},
        {0, 7, 8, 15, 16, 17, 18},
        {0, 9, 10, 17, 18, 19, 20},
        {0, 11, 12, 17, 18, 19, 20, 21, 22, 1, 2},
        {0, 11, 12, 17, 18, 19, 20, 21, 22, 9, 10},
    };

    private Features() {
    }

    /**
     * @param shape the hand's shape, measured on the working image
     * @return the features of the tip model: tips, valleys and the wrist's extent
     */
    public static double[] full(HandShape shape) {
        double[] f = new double[1 + 10 + 8 + 2 * TIP_MODEL_LEVELS.length];
        int i = 0;
        f[i++] = 1;
        for (int k = 0; k < 5; k++) {
            double[] p = shape.tipPoint(k);
            f[i++] = shape.across(p);
            f[i++] = shape.along(p);
        }
        for (int k = 0; k < 4; k++) {
            double[] p = shape.valleyPoint(k);
            f[i++] = shape.across(p);
            f[i++] = shape.along(p);
        }
        for (double level : TIP_MODEL_LEVELS) {
            double[] e = shape.extentAt(level);
            f[i++] = e[0];
            f[i++] = e[1];
        }
        return f;
    }

    /**
     * @param shape the hand's shape, measured on the working image
     * @return the features of the outline model: the mask's extent at several levels and its reach along the axis
     */
    public static double[] outline(HandShape shape) {
        double[] f = new double[2 + 2 * OUTLINE_MODEL_LEVELS.length];
        int i = 0;
        f[i++] = 1;
        for (double level : OUTLINE_MODEL_LEVELS) {
            double[] e = shape.extentAt(level);
            f[i++] = e[0];
            f[i++] = e[1];
        }
        f[i] = shape.reach[shape.fingerRay] / shape.palmRadius;
        return f;
    }

    /**
     * @param shape  the hand
     * @param points working-image coordinates, x then y, of the seven reference points in {@link ReferencePoint} order
     * @return the outputs the model should predict for them
     */
    public static double[] targets(HandShape shape, double[] points) {
        double[] t = new double[14];
        for (int k = 0; k < 7; k++) {
            double[] p = {points[2 * k], points[2 * k + 1]};
            t[2 * k] = shape.across(p);
            t[2 * k + 1] = shape.along(p);
        }
        return t;
    }

    /** @return the name of output {@code o}, e.g. {@code thumb_u} */
    static String outputName(int o) {
        return ReferencePoint.values()[o / 2].columnPrefix() + (o % 2 == 0 ? "_u" : "_v");
    }
}
