package io.github.boneage.djl.landmarks.impl;

import io.github.boneage.core.image.GreyImage;

/**
 * The network's view of a radiograph: the image reduced (integer box averaging) to at most about twice the network
 * input, as floats in [0, 1], plus the letterbox map that fits it, aspect ratio kept, centred, into the square
 * network input. The same code serves training (with augmentation maps composed after the letterbox) and detection,
 * so both see identically prepared pixels.
 */
public final class NetInput {

    private final float[] pixels;
    private final int width;
    private final int height;
    private final int factor;
    private final float fill;

    private NetInput(float[] pixels, int width, int height, int factor, float fill) {
        this.pixels = pixels;
        this.width = width;
        this.height = height;
        this.factor = factor;
        this.fill = fill;
    }

    /**
     * Reduces an image for a network whose input side is {@code inputSize}. Box averaging by an integer factor keeps
     * thin structures (finger gaps) that plain bilinear sampling of a large image would alias away; the bilinear
     * letterbox then works on an image at most about twice the input side.
     *
     * @param image     the radiograph at any bit depth
     * @param inputSize the network input side
     * @return the reduced image
     */
    public static NetInput of(GreyImage image, int inputSize) {
        int factor = Math.max(1, Math.max(image.width(), image.height()) / (2 * inputSize));
        int w = Math.max(1, image.width() / factor);
        int h = Math.max(1, image.height() / factor);
        float scale = 1f / (image.maxValue() * (float) factor * factor);
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                long sum = 0;
                for (int dy = 0; dy < factor; dy++) {
                    int sy = Math.min(image.height() - 1, y * factor + dy);
                    for (int dx = 0; dx < factor; dx++) {
                        sum += image.get(Math.min(image.width() - 1, x * factor + dx), sy);
                    }
                }
                out[y * w + x] = sum * scale;
            }
        }
        return new NetInput(out, w, h, factor, borderMean(out, w, h));
    }

    /**
     * Wraps already reduced pixels (the trainer's cached examples).
     *
     * @param pixels row-major grey values in [0, 1]
     * @param width  width
     * @param height height
     * @return the input, with reduction factor 1
     */
    public static NetInput ofPixels(float[] pixels, int width, int height) {
        if (pixels.length != width * height) {
            throw new IllegalArgumentException("pixels length " + pixels.length + " is not " + width + "x" + height);
        }
        return new NetInput(pixels, width, height, 1, borderMean(pixels, width, height));
    }

    /** Mean of the outer two-pixel ring: what the letterbox and rotated-in corners are filled with. */
    private static float borderMean(float[] p, int w, int h) {
        double sum = 0;
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (x < 2 || y < 2 || x >= w - 2 || y >= h - 2) {
                    sum += p[y * w + x];
                    n++;
                }
            }
        }
        return n == 0 ? 0f : (float) (sum / n);
    }

    /**
     * The median grey, exactly the element a full sort would put at index {@code length / 2}, in linear time: a
     * histogram finds the bin that holds that rank and only that bin's values are sorted (a full sort of a
     * half-resolution radiograph's reduced pixels cost more than the rest of the polarity test).
     *
     * @return the median of the reduced pixels
     */
    public float median() {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : pixels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        int rank = pixels.length / 2;
        if (!(max > min)) {
            return min;
        }
        int bins = 4096;
        double scale = (bins - 1) / ((double) max - min);
        int[] counts = new int[bins];
        for (float v : pixels) {
            counts[(int) ((v - min) * scale)]++;
        }
        int bin = 0;
        int below = 0;
        while (below + counts[bin] <= rank) {
            below += counts[bin++];
        }
        float[] inBin = new float[counts[bin]];
        int n = 0;
        for (float v : pixels) {
            if ((int) ((v - min) * scale) == bin) {
                inBin[n++] = v;
            }
        }
        java.util.Arrays.sort(inBin);
        return inBin[rank - below];
    }

    /** @return reduced width */
    public int width() {
        return width;
    }

    /** @return reduced height */
    public int height() {
        return height;
    }

    /** @return the reduction factor (original pixels per reduced pixel) */
    public int factor() {
        return factor;
    }

    /** @return the reduced pixels (shared, do not modify) */
    public float[] pixels() {
        return pixels;
    }

    /**
     * @param inputSize the network input side
     * @return the map from reduced-image coordinates to network-input coordinates (scale to fit, centred)
     */
    public Affine letterbox(int inputSize) {
        double s = (double) inputSize / Math.max(width, height);
        return new Affine(s, 0, (inputSize - width * s) / 2, 0, s, (inputSize - height * s) / 2);
    }

    /**
     * Samples the network input: every input pixel centre is mapped back through {@code toInput}'s inverse and read
     * bilinearly; samples outside the image get the border mean.
     *
     * @param toInput   map from reduced-image to network-input coordinates
     * @param inputSize the network input side
     * @return {@code inputSize * inputSize} grey values, row-major, not yet standardized
     */
    public float[] render(Affine toInput, int inputSize) {
        Affine back = toInput.inverse();
        float[] out = new float[inputSize * inputSize];
        for (int v = 0; v < inputSize; v++) {
            for (int u = 0; u < inputSize; u++) {
                double cx = u + 0.5;
                double cy = v + 0.5;
                double sx = back.x(cx, cy) - 0.5;
                double sy = back.y(cx, cy) - 0.5;
                out[v * inputSize + u] = sample(sx, sy);
            }
        }
        return out;
    }

    private float sample(double x, double y) {
        if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5) {
            return fill;
        }
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        float p00 = at(x0, y0);
        float p10 = at(x0 + 1, y0);
        float p01 = at(x0, y0 + 1);
        float p11 = at(x0 + 1, y0 + 1);
        return (float) ((p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy);
    }

    private float at(int x, int y) {
        int cx = Math.max(0, Math.min(width - 1, x));
        int cy = Math.max(0, Math.min(height - 1, y));
        return pixels[cy * width + cx];
    }

    /**
     * Standardizes in place to zero mean and unit standard deviation, which makes the network indifferent to the
     * exposure's level and range (the augmentation varies both).
     *
     * @param values the rendered input
     * @return {@code values}
     */
    public static float[] standardize(float[] values) {
        double sum = 0;
        double sq = 0;
        for (float v : values) {
            sum += v;
            sq += (double) v * v;
        }
        double mean = sum / values.length;
        double std = Math.sqrt(Math.max(0, sq / values.length - mean * mean));
        float inv = (float) (1 / Math.max(std, 1e-3));
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((values[i] - mean) * inv);
        }
        return values;
    }
}
