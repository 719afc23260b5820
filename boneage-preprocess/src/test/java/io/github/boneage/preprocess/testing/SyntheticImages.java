package io.github.boneage.preprocess.testing;

import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.SplittableRandom;

/**
 * Generated test images (gradients, blobs, noise, a crude hand-like shape); every committed test uses these, never real
 * radiographs.
 */
public final class SyntheticImages {

    private SyntheticImages() {
    }

    /** The kinds of 8-bit content used for agreement tests. */
    public enum Kind {
        /** Uniform noise over the full range. */
        NOISE,
        /** Smooth diagonal gradient with mild noise. */
        GRADIENT,
        /** Dark background with bright Gaussian blobs, like bone on soft tissue. */
        BLOBS,
        /** Values confined to a narrow band (a low-contrast image). */
        NARROW,
        /** Only a handful of distinct values. */
        SPARSE,
        /** A hand-like bright shape on a dark noisy background. */
        HAND
    }

    /** @return a deterministic 8-bit image of the given kind */
    public static GreyImage8 image8(Kind kind, int width, int height, long seed) {
        int[] v = values(kind, width, height, seed, 255);
        byte[] data = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            data[i] = (byte) v[i];
        }
        return new GreyImage8(width, height, data);
    }

    /** @return a deterministic image of the given kind and bit depth */
    public static GreyImage16 image16(Kind kind, int width, int height, int bitDepth, long seed) {
        int[] v = values(kind, width, height, seed, (1 << bitDepth) - 1);
        short[] data = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            data[i] = (short) v[i];
        }
        return new GreyImage16(width, height, bitDepth, data);
    }

    private static int[] values(Kind kind, int width, int height, long seed, int max) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] out = new int[width * height];
        double[][] blobs = new double[12][];
        for (int i = 0; i < blobs.length; i++) {
            blobs[i] = new double[] {r.nextDouble() * width, r.nextDouble() * height, 3 + r.nextDouble() * Math.max(width, height) / 8.0,
                0.3 + 0.7 * r.nextDouble()};
        }
        int[] palette = {0, max / 7, max / 3, max / 2, (int) (max * 0.9), max};
        int bandLow = (int) (max * 0.4);
        int band = Math.max(1, (int) (max * 0.08));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v;
                switch (kind) {
                    case NOISE:
                        v = r.nextInt(max + 1);
                        break;
                    case GRADIENT:
                        v = max * (0.05 + 0.9 * (x + 2.0 * y) / (width + 2.0 * height)) + r.nextGaussian() * max * 0.01;
                        break;
                    case BLOBS:
                        v = max * 0.08 + r.nextGaussian() * max * 0.02;
                        for (double[] b : blobs) {
                            double dx = x - b[0];
                            double dy = y - b[1];
                            v += max * 0.7 * b[3] * Math.exp(-(dx * dx + dy * dy) / (2 * b[2] * b[2]));
                        }
                        break;
                    case NARROW:
                        v = bandLow + r.nextInt(band);
                        break;
                    case SPARSE:
                        v = palette[(x / 5 + y / 7 + r.nextInt(2)) % palette.length];
                        break;
                    case HAND:
                        v = handValue(x, y, width, height, max) + r.nextGaussian() * max * 0.015;
                        break;
                    default:
                        throw new AssertionError(kind);
                }
                out[y * width + x] = (int) Math.max(0, Math.min(max, Math.round(v)));
            }
        }
        return out;
    }

    /** A palm ellipse with five finger bars and a forearm, bright on a dark background. */
    private static double handValue(int x, int y, int width, int height, int max) {
        double u = x / (double) width;
        double w = y / (double) height;
        double background = 0.12;
        double palm = sq((u - 0.5) / 0.22) + sq((w - 0.62) / 0.16) <= 1 ? 0.55 : 0;
        double forearm = Math.abs(u - 0.5) < 0.15 && w > 0.7 ? 0.5 : 0;
        double finger = 0;
        double[] centres = {0.27, 0.39, 0.5, 0.61, 0.72};
        double[] tops = {0.40, 0.12, 0.08, 0.12, 0.2};
        for (int f = 0; f < 5; f++) {
            if (Math.abs(u - centres[f]) < 0.035 && w > tops[f] && w < 0.6) {
                finger = 0.5 + 0.25 * ((int) (w * 20) % 2);
            }
        }
        return max * (background + Math.max(Math.max(palm, forearm), finger));
    }

    private static double sq(double v) {
        return v * v;
    }
}
