package io.github.boneage.synthetic.impl;

/**
 * The projected thickness profile of a round body, box-filtered over one pixel: the mean of
 * {@code sqrt(1 - (x / r)^2)} for x across the pixel {@code [d - 0.5, d + 0.5]}. It is 1 on the axis of a thick body,
 * falls to 0 at its rim, and is the exact anti-aliased value at the rim, so shapes need no supersampling.
 *
 * <p>The mean is a difference of the antiderivative {@code F(t) = (t sqrt(1 - t^2) + asin t) / 2}, tabulated once with
 * {@link StrictMath} so that the result is the same on every platform.
 */
public final class DiscProfile {

    private static final int STEPS = 4096;
    private static final double HALF_STEPS = STEPS / 2.0;
    private static final double[] ANTIDERIVATIVE = new double[STEPS + 2];

    static {
        for (int i = 0; i < ANTIDERIVATIVE.length; i++) {
            double t = Math.min(1.0, i / HALF_STEPS - 1.0);
            ANTIDERIVATIVE[i] = 0.5 * (t * Math.sqrt(1 - t * t) + StrictMath.asin(t));
        }
    }

    private DiscProfile() {
    }

    /**
     * @param distance distance of the pixel centre from the body's axis (or centre), in pixels, at least 0
     * @param radius   radius of the body along that direction, in pixels, greater than 0
     * @return the pixel-mean of the normalized chord, in [0, 1]
     */
    public static double mean(double distance, double radius) {
        if (distance >= radius + 0.5) {
            return 0;
        }
        double inv = 1.0 / radius;
        double hi = Math.min(1.0, (distance + 0.5) * inv);
        double lo = Math.max(-1.0, (distance - 0.5) * inv);
        return radius * (antiderivative(hi) - antiderivative(lo));
    }

    /**
     * Like {@link #mean(double, double)}, for bodies that are round in the image plane (a sphere rather than a
     * cylinder seen from the side). A pixel's share of the radial interval is neither uniform (the straight mean, which
     * overstates the integral of small bodies) nor proportional to the radius (a ring's share, which understates it);
     * the average of the two cancels both errors to first order: a projected ellipsoid of 2 pixels radius integrates to
     * its volume within 1.5%, of 1.2 pixels within 6%.
     *
     * @param distance distance of the pixel centre from the body's centre, in pixels, at least 0
     * @param radius   radius of the body along that direction, in pixels, greater than 0
     * @return the pixel-mean of the normalized chord, in [0, 1]
     */
    public static double radialMean(double distance, double radius) {
        return 0.5 * (mean(distance, radius) + ringMean(distance, radius));
    }

    private static double ringMean(double distance, double radius) {
        double lo = distance - 0.5;
        if (lo >= radius) {
            return 0;
        }
        double hi = distance + 0.5;
        double weight;
        if (lo < 0) {
            // The pixel covers the centre: average over the disc out to its far edge.
            lo = 0;
            weight = 0.5 * hi * hi;
        } else {
            weight = distance;
        }
        return (ringIntegral(lo, radius) - ringIntegral(Math.min(hi, radius), radius)) / weight;
    }

    /** @return the integral of x sqrt(1 - (x/r)^2) from x to r: (r^2 / 3) (1 - (x/r)^2)^(3/2) */
    private static double ringIntegral(double x, double radius) {
        double u = 1 - (x / radius) * (x / radius);
        return radius * radius / 3 * u * Math.sqrt(u);
    }

    private static double antiderivative(double t) {
        double pos = (t + 1.0) * HALF_STEPS;
        int i = (int) pos;
        double frac = pos - i;
        return ANTIDERIVATIVE[i] + frac * (ANTIDERIVATIVE[i + 1] - ANTIDERIVATIVE[i]);
    }
}
