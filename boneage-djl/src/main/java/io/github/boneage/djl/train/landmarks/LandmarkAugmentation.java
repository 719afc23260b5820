package io.github.boneage.djl.train.landmarks;

import io.github.boneage.djl.landmarks.impl.Affine;
import io.github.boneage.djl.landmarks.impl.Heatmaps;
import io.github.boneage.djl.landmarks.impl.NetInput;
import io.github.boneage.djl.landmarks.impl.PointOrder;
import java.util.Random;

/**
 * The trainer's on-the-fly augmentation, all in Java: geometry (rotation within +-30 degrees of upright, and a share through
 * 360 degrees; mirror; scale; shift) applied to image and points together, then
 * photometry on the network input (gamma, contrast and level, film frames and collimation edges, straight bright lines,
 * burned-in markers, inversion, noise). It also makes hand-free negatives (flat, gradient, noise and blob images) whose
 * heatmaps are all zero, so that a heatmap's peak value is a usable confidence.
 */
public final class LandmarkAugmentation {

    private final int inputSize;
    private final double sigma;
    private final double fullRotationFraction;

    /**
     * @param inputSize the network input side
     * @param sigma     heatmap Gaussian standard deviation in cells
     */
    public LandmarkAugmentation(int inputSize, double sigma) {
        this(inputSize, sigma, 0.5);
    }

    /**
     * @param inputSize            the network input side
     * @param sigma                heatmap Gaussian standard deviation in cells
     * @param fullRotationFraction share of examples rotated by any angle (the others within +-30 degrees)
     */
    public LandmarkAugmentation(int inputSize, double sigma, double fullRotationFraction) {
        this.inputSize = inputSize;
        this.sigma = sigma;
        this.fullRotationFraction = fullRotationFraction;
    }

    /**
     * Renders one augmented example into slot {@code slot} of a batch, with its hand-mask target when asked.
     *
     * @param ex         the example
     * @param rnd        random source (seeded per step by the trainer)
     * @param input      batch input, {@code [N, 1, S, S]}
     * @param target     batch heatmap targets, {@code [N, K, H, H]}
     * @param mask       batch point mask, {@code [N, K]}: 1 where the point's loss counts
     * @param handTarget batch hand-mask targets, {@code [N, 1, H, H]}: the share of each cell on the hand (after the
     *                   same geometry, and 0 where a film frame covers the image); {@code null} for no mask head
     * @param handWeight batch hand-mask weights, {@code [N]}: 1 when the example has a hand mask, else 0
     * @param slot       index in the batch
     */
    public void render(LandmarkExample ex, Random rnd, float[] input, float[] target, float[] mask, float[] handTarget,
            float[] handWeight, int slot) {
        NetInput img = ex.input();
        double c = inputSize / 2.0;
        double angle = rnd.nextDouble() < fullRotationFraction ? Math.toRadians(rnd.nextDouble() * 360)
                : Math.toRadians((rnd.nextDouble() * 2 - 1) * 30);
        double scale = 0.75 + rnd.nextDouble() * 0.45;
        double shift = 0.08 * inputSize;
        Affine aug = Affine.translation(-c, -c);
        if (rnd.nextBoolean()) {
            aug = aug.then(Affine.mirrorX());
        }
        aug = aug.then(Affine.rotation(angle)).then(Affine.scale(scale))
                .then(Affine.translation(c + (rnd.nextDouble() * 2 - 1) * shift, c + (rnd.nextDouble() * 2 - 1) * shift));
        Affine map = img.letterbox(inputSize).then(aug);
        float[] pixels = img.render(map, inputSize);
        int[] frame = photometry(pixels, rnd);
        System.arraycopy(NetInput.standardize(pixels), 0, input, slot * inputSize * inputSize, pixels.length);

        int h = inputSize / io.github.boneage.djl.landmarks.LandmarkNetSpec.STRIDE;
        int cells = h * h;
        if (handTarget != null) {
            handTarget(ex, map, frame, handTarget, slot * cells, h);
            handWeight[slot] = ex.handMask() == null ? 0f : 1f;
        }
        for (int k = 0; k < PointOrder.COUNT; k++) {
            int offset = (slot * PointOrder.COUNT + k) * cells;
            java.util.Arrays.fill(target, offset, offset + cells, 0f);
            double x = ex.xs()[k];
            double y = ex.ys()[k];
            if (Double.isNaN(x)) {
                mask[slot * PointOrder.COUNT + k] = 0f;
                continue;
            }
            mask[slot * PointOrder.COUNT + k] = 1f;
            double tx = map.x(x, y);
            double ty = map.y(x, y);
            // A point pushed out of the input keeps an all-zero target: the network must learn to report it absent.
            if (tx >= 0 && ty >= 0 && tx <= inputSize && ty <= inputSize) {
                Heatmaps.gaussian(target, offset, h, tx, ty, sigma);
            }
        }
    }

    /**
     * Each heatmap cell's share of hand: 4 x 4 samples per cell, each carried back through the geometry into the
     * example's mask (nearest pixel; outside the image, or outside the frame's inner rectangle, is not hand).
     */
    private static void handTarget(LandmarkExample ex, Affine map, int[] frame, float[] out, int offset, int h) {
        float[] m = ex.handMask();
        if (m == null) {
            java.util.Arrays.fill(out, offset, offset + h * h, 0f);
            return;
        }
        Affine back = map.inverse();
        int w = ex.input().width();
        int ht = ex.input().height();
        int stride = io.github.boneage.djl.landmarks.LandmarkNetSpec.STRIDE;
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < h; i++) {
                int on = 0;
                for (int b = 0; b < stride; b++) {
                    for (int a = 0; a < stride; a++) {
                        int px = i * stride + a;
                        int py = j * stride + b;
                        if (frame != null && (px < frame[0] || px >= frame[2] || py < frame[1] || py >= frame[3])) {
                            continue;
                        }
                        int sx = (int) Math.floor(back.x(px + 0.5, py + 0.5));
                        int sy = (int) Math.floor(back.y(px + 0.5, py + 0.5));
                        if (sx >= 0 && sy >= 0 && sx < w && sy < ht && m[sy * w + sx] >= 0.5f) {
                            on++;
                        }
                    }
                }
                out[offset + j * h + i] = on / (float) (stride * stride);
            }
        }
    }

    /**
     * Renders a hand-free negative into slot {@code slot}: every heatmap and hand-mask target is zero and counts.
     *
     * @param rnd        random source
     * @param input      batch input
     * @param target     batch targets
     * @param mask       batch mask
     * @param handTarget batch hand-mask targets, or {@code null} for no mask head
     * @param handWeight batch hand-mask weights, or {@code null}
     * @param slot       index in the batch
     */
    public void renderNegative(Random rnd, float[] input, float[] target, float[] mask, float[] handTarget,
            float[] handWeight, int slot) {
        int s = inputSize;
        float[] p = new float[s * s];
        double base = rnd.nextDouble();
        double gx = (rnd.nextDouble() * 2 - 1) * 0.5 / s;
        double gy = (rnd.nextDouble() * 2 - 1) * 0.5 / s;
        for (int y = 0; y < s; y++) {
            for (int x = 0; x < s; x++) {
                p[y * s + x] = (float) (base + gx * x + gy * y);
            }
        }
        int blobs = rnd.nextInt(4);
        for (int b = 0; b < blobs; b++) {
            double cx = rnd.nextDouble() * s;
            double cy = rnd.nextDouble() * s;
            double rx = s * (0.05 + rnd.nextDouble() * 0.35);
            double ry = s * (0.05 + rnd.nextDouble() * 0.35);
            float v = (float) rnd.nextDouble();
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    double dx = (x - cx) / rx;
                    double dy = (y - cy) / ry;
                    if (dx * dx + dy * dy < 1) {
                        p[y * s + x] = v;
                    }
                }
            }
        }
        photometry(p, rnd);
        System.arraycopy(NetInput.standardize(p), 0, input, slot * s * s, p.length);
        int h = s / io.github.boneage.djl.landmarks.LandmarkNetSpec.STRIDE;
        java.util.Arrays.fill(target, slot * PointOrder.COUNT * h * h, (slot + 1) * PointOrder.COUNT * h * h, 0f);
        java.util.Arrays.fill(mask, slot * PointOrder.COUNT, (slot + 1) * PointOrder.COUNT, 1f);
        if (handTarget != null) {
            java.util.Arrays.fill(handTarget, slot * h * h, (slot + 1) * h * h, 0f);
            handWeight[slot] = 1f;
        }
    }

    /** @return the inner rectangle {x0, y0, x1, y1} of a film frame drawn over the input, or {@code null} */
    private int[] photometry(float[] p, Random rnd) {
        int[] frame = null;
        int s = inputSize;
        double gamma = Math.exp((rnd.nextDouble() * 2 - 1) * Math.log(1.7));
        double gain = 0.5 + rnd.nextDouble() * 0.8;
        double level = (rnd.nextDouble() * 2 - 1) * 0.15;
        for (int i = 0; i < p.length; i++) {
            double v = Math.pow(Math.max(0, Math.min(1, p[i])), gamma);
            p[i] = (float) (v * gain + level);
        }
        if (rnd.nextDouble() < 0.25) {
            // Film frame or collimation: everything outside an inner rectangle becomes one flat value.
            int x0 = rnd.nextInt(s / 6 + 1);
            int y0 = rnd.nextInt(s / 6 + 1);
            int x1 = s - rnd.nextInt(s / 6 + 1);
            int y1 = s - rnd.nextInt(s / 6 + 1);
            float v = (float) (rnd.nextBoolean() ? rnd.nextDouble() * 0.2 : 0.8 + rnd.nextDouble() * 0.2);
            frame = new int[] {x0, y0, x1, y1};
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    if (x < x0 || x >= x1 || y < y0 || y >= y1) {
                        p[y * s + x] = v;
                    }
                }
            }
        }
        if (rnd.nextDouble() < 0.2) {
            int lines = 1 + rnd.nextInt(3);
            for (int l = 0; l < lines; l++) {
                boolean horizontal = rnd.nextBoolean();
                int at = rnd.nextInt(s);
                int thick = 1 + rnd.nextInt(2);
                float v = (float) (0.7 + rnd.nextDouble() * 0.4);
                for (int t = 0; t < thick && at + t < s; t++) {
                    for (int i = 0; i < s; i++) {
                        p[horizontal ? (at + t) * s + i : i * s + at + t] = v;
                    }
                }
            }
        }
        if (rnd.nextDouble() < 0.35) {
            int markers = 1 + rnd.nextInt(2);
            for (int m = 0; m < markers; m++) {
                int w = 3 + rnd.nextInt(10);
                int h = 3 + rnd.nextInt(10);
                int x0 = rnd.nextInt(s - w);
                int y0 = rnd.nextInt(s - h);
                float v = (float) (0.9 + rnd.nextDouble() * 0.3);
                boolean hollow = rnd.nextBoolean();
                for (int y = y0; y < y0 + h; y++) {
                    for (int x = x0; x < x0 + w; x++) {
                        if (!hollow || y == y0 || x == x0 || y == y0 + h - 1 || x == x0 + w - 1) {
                            p[y * s + x] = v;
                        }
                    }
                }
            }
        }
        if (rnd.nextDouble() < 0.3) {
            for (int i = 0; i < p.length; i++) {
                p[i] = 1 - p[i];
            }
        }
        double noise = rnd.nextDouble() * 0.04;
        if (noise > 0.002) {
            for (int i = 0; i < p.length; i++) {
                p[i] += (float) (rnd.nextGaussian() * noise);
            }
        }
        return frame;
    }
}
