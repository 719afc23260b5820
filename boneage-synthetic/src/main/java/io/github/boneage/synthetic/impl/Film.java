package io.github.boneage.synthetic.impl;

import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.List;

/**
 * The detector: accumulates X-ray attenuation of soft tissue, bones and distractors per pixel, then develops it into
 * a grey image (exponential attenuation, detector blur, noise, display gamma and contrast, optional inversion,
 * quantization). Every non-linear function is tabulated with {@link StrictMath}, so a sample's pixels do not depend on
 * the platform. One instance renders one image; it is not thread-safe.
 */
public final class Film {

    /** Linear attenuation of soft tissue, per mm (the scale is arbitrary; the ratios make the look). */
    static final float SOFT_TISSUE_PER_MM = 0.022f;
    /** Extra attenuation of cortical bone over soft tissue, per mm. */
    static final float CORTEX_PER_MM = 0.14f;
    /** Extra attenuation of medullary (trabecular) bone over soft tissue, per mm. */
    static final float MEDULLA_PER_MM = 0.015f;

    private static final int EXP_STEPS = 4096;
    private static final double EXP_RANGE = 8;
    private static final float[] ONE_MINUS_EXP = new float[EXP_STEPS + 2];
    private static final int GAMMA_STEPS = 4096;

    static {
        for (int i = 0; i < ONE_MINUS_EXP.length; i++) {
            ONE_MINUS_EXP[i] = (float) (1 - StrictMath.exp(-Math.min(EXP_STEPS, i) * EXP_RANGE / EXP_STEPS));
        }
    }

    private final int width;
    private final int height;
    private final float[] tissue;
    private final float[] bone;
    private final float[] outer;
    private final float[] inner;

    /**
     * @param width  image width
     * @param height image height
     */
    public Film(int width, int height) {
        this.width = width;
        this.height = height;
        int n = width * height;
        this.tissue = new float[n];
        this.bone = new float[n];
        this.outer = new float[n];
        this.inner = new float[n];
    }

    /** @param shape a soft-tissue body in image pixels; soft tissue forms one union */
    public void addSoftTissue(Shape shape) {
        shape.render(tissue, null, width, height);
    }

    /**
     * Adds one bone: the union of its parts, cortex and medulla weighted by their densities. Separate bones add up,
     * as overlapping bones do on a radiograph.
     *
     * @param parts the bone's bodies in image pixels
     */
    public void addBone(List<Shape> parts) {
        double[] box = Shape.emptyBounds();
        for (Shape s : parts) {
            s.addBounds(box);
            s.render(outer, inner, width, height);
        }
        int x0 = Shape.firstPixel(box[0]);
        int x1 = Shape.endPixel(box[2], width);
        int y0 = Shape.firstPixel(box[1]);
        int y1 = Shape.endPixel(box[3], height);
        float medullaDeficit = CORTEX_PER_MM - MEDULLA_PER_MM;
        for (int y = y0; y < y1; y++) {
            int row = y * width;
            for (int x = x0; x < x1; x++) {
                int i = row + x;
                bone[i] += CORTEX_PER_MM * outer[i] - medullaDeficit * inner[i];
                outer[i] = 0;
                inner[i] = 0;
            }
        }
    }

    /**
     * Combines tissue and bone into total attenuation, scaled by {@code exposure} (the radiographer adapts exposure to
     * the size of the hand). Call once, after all anatomy and before distractors.
     *
     * @param exposure factor on the anatomy's attenuation
     * @return the attenuation per pixel, to which distractors may add
     */
    public float[] attenuation(double exposure) {
        float e = (float) exposure;
        for (int i = 0; i < tissue.length; i++) {
            bone[i] = e * (SOFT_TISSUE_PER_MM * tissue[i] + bone[i]);
        }
        return bone;
    }

    /**
     * Develops the attenuation into an image.
     *
     * @param background    grey level of the unattenuated background, 0..1
     * @param contrast      grey-level span up to full attenuation
     * @param gamma         display exponent
     * @param heelSlope     brightness change across the image (the anode heel effect), fraction of full scale
     * @param heelAngle     direction of that change, radians
     * @param blurSigma     detector blur, pixels (below 0.3: none)
     * @param noiseSigma    noise standard deviation, fraction of full scale
     * @param noise         random source of the noise
     * @param inverted      whether bone is shown dark
     * @param bitDepth      8 for a {@link GreyImage8}, 9..16 for a {@link GreyImage16} of that depth
     * @return the image
     */
    public GreyImage develop(double background, double contrast, double gamma, double heelSlope, double heelAngle,
            double blurSigma, double noiseSigma, SplitMix64 noise, boolean inverted, int bitDepth) {
        float[] intensity = tissue;
        float[] attenuation = bone;
        for (int i = 0; i < intensity.length; i++) {
            double pos = Math.min(EXP_STEPS, Math.max(0, attenuation[i] * (EXP_STEPS / EXP_RANGE)));
            int k = (int) pos;
            double f = pos - k;
            intensity[i] = (float) (ONE_MINUS_EXP[k] + f * (ONE_MINUS_EXP[k + 1] - ONE_MINUS_EXP[k]));
        }
        if (blurSigma >= 0.3) {
            gaussianBlur(intensity, outer, width, height, blurSigma);
        }
        float[] gammaTable = new float[GAMMA_STEPS + 2];
        for (int i = 0; i < gammaTable.length; i++) {
            gammaTable[i] = (float) StrictMath.pow(Math.min(1.0, (double) i / GAMMA_STEPS), gamma);
        }
        int max = (1 << bitDepth) - 1;
        GreyImage8 image8 = bitDepth == 8 ? new GreyImage8(width, height) : null;
        GreyImage16 image16 = bitDepth == 8 ? null : new GreyImage16(width, height, bitDepth);
        byte[] data8 = image8 == null ? null : image8.data();
        short[] data16 = image16 == null ? null : image16.data();
        double heelX = heelSlope * StrictMath.cos(heelAngle) / width;
        double heelY = heelSlope * StrictMath.sin(heelAngle) / height;
        for (int y = 0; y < height; y++) {
            double rowShade = background + heelY * (y + 0.5 - 0.5 * height);
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int i = row + x;
                double v = intensity[i];
                if (noiseSigma > 0) {
                    v += noiseSigma * noise.nextNoise();
                }
                v = Math.min(1, Math.max(0, v));
                double pos = v * GAMMA_STEPS;
                int k = (int) pos;
                double shown = rowShade + heelX * (x + 0.5 - 0.5 * width)
                        + contrast * (gammaTable[k] + (pos - k) * (gammaTable[k + 1] - gammaTable[k]));
                if (inverted) {
                    shown = 1 - shown;
                }
                // The display saturates, like a real detector's window.
                int q = (int) (Math.min(1, Math.max(0, shown)) * max + 0.5);
                if (data8 != null) {
                    data8[i] = (byte) q;
                } else {
                    data16[i] = (short) q;
                }
            }
        }
        return image8 != null ? image8 : image16;
    }

    /** Separable Gaussian blur with clamped borders; {@code work} is scratch of the same size. */
    static void gaussianBlur(float[] image, float[] work, int width, int height, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] kernel = new float[2 * radius + 1];
        double sum = 0;
        for (int j = -radius; j <= radius; j++) {
            double w = StrictMath.exp(-0.5 * j * j / (sigma * sigma));
            kernel[j + radius] = (float) w;
            sum += w;
        }
        for (int j = 0; j < kernel.length; j++) {
            kernel[j] = (float) (kernel[j] / sum);
        }
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                float acc = 0;
                for (int j = -radius; j <= radius; j++) {
                    int xx = Math.min(width - 1, Math.max(0, x + j));
                    acc += kernel[j + radius] * image[row + xx];
                }
                work[row + x] = acc;
            }
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float acc = 0;
                for (int j = -radius; j <= radius; j++) {
                    int yy = Math.min(height - 1, Math.max(0, y + j));
                    acc += kernel[j + radius] * work[yy * width + x];
                }
                image[y * width + x] = acc;
            }
        }
    }
}
