package io.github.boneage.preprocess;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import io.github.boneage.core.MissingLandmarksException;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import io.github.boneage.preprocess.equalize.Equalizers;
import io.github.boneage.preprocess.equalize.Histograms;
import io.github.boneage.preprocess.equalize.LookupTableEqualizer;
import io.github.boneage.preprocess.geometry.Resampler;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns a radiograph into a model input as a {@link PreprocessSpec} prescribes: ROI crop &rarr; equalize the crop
 * &rarr; resize to {@code size x size} &rarr; grey replicated to the channels &rarr; float CHW tensor
 * {@code (v / maxValue - mean[c]) / std[c]}.
 *
 * <p>The ROI comes from {@link RoiScheme#region}; ROI3 without fingertips (or without landmarks) falls back to
 * {@link HandRegion}, grown to include the landmarks' box when there are landmarks. Global equalizers (none, histeq,
 * histeq-matlab) are fused: the histogram is taken over the ROI of the original image and the resize reads samples
 * through the equalizer's table, so no equalized copy of the crop is written; the result is identical to cropping,
 * equalizing and resizing one after the other (tested). CLAHE, which is not a single table, runs on a cropped copy.
 *
 * <p>Deterministic: the same spec and image give bit-identical tensors on every run and thread. Immutable and
 * thread-safe; each call allocates its own small workspace.
 */
public final class Preprocessor {

    private final PreprocessSpec spec;
    private final Equalizer equalizer;
    /** Per channel, the normalized value of each 8-bit level: the same formula as the 16-bit path, precomputed. */
    private final float[][] normalized8;

    /**
     * @param spec what to do
     * @throws IllegalArgumentException if the spec's equalizer is unknown or has invalid parameters
     */
    public Preprocessor(PreprocessSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.equalizer = Equalizers.create(spec.equalizer());
        this.normalized8 = new float[spec.channels()][256];
        for (int c = 0; c < spec.channels(); c++) {
            for (int v = 0; v < 256; v++) {
                normalized8[c][v] = normalize(v, 255, spec.mean()[c], spec.std()[c]);
            }
        }
    }

    /** @return the spec this preprocessor applies */
    public PreprocessSpec spec() {
        return spec;
    }

    /** @return the equalizer built from the spec */
    public Equalizer equalizer() {
        return equalizer;
    }

    /**
     * The rectangle {@link #prepare} crops.
     *
     * @param image     the radiograph
     * @param landmarks its landmarks, or {@code null}
     * @return the ROI, clamped to the image
     * @throws InputFormatException      (source {@code landmarks}, field the point's column) if a landmark lies
     *                                   outside the image
     * @throws MissingLandmarksException if ROI1 or ROI2 is asked for without landmarks
     */
    public Roi region(GreyImage image, HandLandmarks landmarks) {
        Objects.requireNonNull(image, "image");
        if (landmarks != null) {
            Optional<String> outside = landmarks.firstPointOutside(image.width(), image.height());
            if (outside.isPresent()) {
                String column = outside.get();
                throw new InputFormatException("landmarks", 0, column, "the point lies outside the " + image.width() + "x"
                        + image.height() + " image (" + describe(landmarks, column) + ")");
            }
        }
        RoiScheme scheme = spec.roi();
        if (scheme == RoiScheme.ROI3 && (landmarks == null || !landmarks.hasFingertips())) {
            return HandRegion.find(image, landmarks);
        }
        return scheme.region(image.width(), image.height(), landmarks);
    }

    private static String describe(HandLandmarks landmarks, String column) {
        String prefix = column.substring(0, column.length() - 2);
        for (var e : landmarks.points().entrySet()) {
            if (e.getKey().columnPrefix().equals(prefix)) {
                return prefix + " = (" + e.getValue().x() + ", " + e.getValue().y() + ")";
            }
        }
        for (var e : landmarks.fingertips().entrySet()) {
            if (e.getKey().tipColumnPrefix().equals(prefix)) {
                return prefix + " = (" + e.getValue().x() + ", " + e.getValue().y() + ")";
            }
        }
        return column;
    }

    /**
     * Crops, equalizes and resizes.
     *
     * @param image     the radiograph, 8- or 16-bit
     * @param landmarks its landmarks, or {@code null} (allowed for WHOLE and ROI3)
     * @return the image the model sees, of the input's type and bit depth, with the scheme and the cropped rectangle
     * @throws InputFormatException      if a landmark lies outside the image
     * @throws MissingLandmarksException if ROI1 or ROI2 is asked for without landmarks
     * @throws IllegalArgumentException  if a 16-bit sample exceeds the image's bit depth
     */
    public PreparedImage prepare(GreyImage image, HandLandmarks landmarks) {
        Roi roi = region(image, landmarks);
        GreyImage out;
        if (equalizer instanceof LookupTableEqualizer global) {
            out = spec.size() == 0 ? global.applyToRegion(image, roi) : resampleThroughTable(global, image, roi);
        } else {
            GreyImage equalized = equalizer.apply(image.crop(roi));
            out = spec.size() == 0 ? equalized : Resampler.resize(equalized, spec.size(), spec.size());
        }
        return new PreparedImage(out, spec.roi(), roi);
    }

    private GreyImage resampleThroughTable(LookupTableEqualizer global, GreyImage image, Roi roi) {
        int[] table = global.lookupTable(Histograms.of(image, roi), image.bitDepth());
        float[] values = Resampler.valueTable(table);
        Resampler resampler = Resampler.create(roi.width(), roi.height(), spec.size(), spec.size());
        float[] workspace = resampler.createWorkspace();
        int offset = roi.y() * image.width() + roi.x();
        if (image instanceof GreyImage8 g8) {
            GreyImage8 out = new GreyImage8(spec.size(), spec.size());
            resampler.resample(g8.data(), offset, g8.width(), values, out.data(), workspace);
            return out;
        }
        GreyImage16 g16 = (GreyImage16) image;
        GreyImage16 out = new GreyImage16(spec.size(), spec.size(), g16.bitDepth());
        resampler.resample(g16.data(), offset, g16.width(), values, g16.maxValue(), out.data(), workspace);
        return out;
    }

    /**
     * @return the number of floats of one tensor: {@code channels * size * size}
     * @throws IllegalStateException if the spec keeps the crop's size ({@code size == 0}): use
     *                               {@link #tensorLength(PreparedImage)}
     */
    public int tensorLength() {
        if (spec.size() == 0) {
            throw new IllegalStateException("size 0 keeps each crop's size: the tensor length depends on the image");
        }
        return spec.channels() * spec.size() * spec.size();
    }

    /**
     * @param prepared an image prepared by this preprocessor
     * @return the number of floats of this prepared image's tensor: {@code channels * height * width}
     */
    public int tensorLength(PreparedImage prepared) {
        return spec.channels() * prepared.image().width() * prepared.image().height();
    }

    /**
     * @param prepared an image prepared by this preprocessor
     * @return the tensor shape {@code {channels, height, width}} of this prepared image
     */
    public long[] tensorShape(PreparedImage prepared) {
        return new long[] {spec.channels(), prepared.image().height(), prepared.image().width()};
    }

    /**
     * @param prepared the output of {@link #prepare}
     * @return a new CHW float tensor (see {@link #toTensor(PreparedImage, float[], int)})
     */
    public float[] toTensor(PreparedImage prepared) {
        float[] dst = new float[tensorLength(prepared)];
        toTensor(prepared, dst, 0);
        return dst;
    }

    /**
     * Writes the CHW tensor: channel c, row y, column x at {@code offset + (c * height + y) * width + x}, value
     * {@code (float) ((v / maxValue - mean[c]) / std[c])} evaluated in double precision, where v is the grey sample and
     * maxValue the image's {@code 2^bitDepth - 1}. For stacking a batch, call with consecutive offsets.
     *
     * @param prepared the output of {@link #prepare}
     * @param dst      destination array
     * @param offset   index of the first float to write
     * @throws IndexOutOfBoundsException if {@code dst} has fewer than {@code offset + tensorLength(prepared)} floats
     */
    public void toTensor(PreparedImage prepared, float[] dst, int offset) {
        GreyImage image = prepared.image();
        int plane = image.width() * image.height();
        Objects.checkFromIndexSize(offset, spec.channels() * plane, dst.length);
        double[] mean = spec.mean();
        double[] std = spec.std();
        for (int c = 0; c < spec.channels(); c++) {
            int base = offset + c * plane;
            if (image instanceof GreyImage8 g8) {
                byte[] data = g8.data();
                float[] table = normalized8[c];
                for (int i = 0; i < plane; i++) {
                    dst[base + i] = table[data[i] & 0xFF];
                }
            } else {
                short[] data = ((GreyImage16) image).data();
                int max = image.maxValue();
                for (int i = 0; i < plane; i++) {
                    dst[base + i] = normalize(data[i] & 0xFFFF, max, mean[c], std[c]);
                }
            }
        }
    }

    private static float normalize(int value, int maxValue, double mean, double std) {
        return (float) (((double) value / maxValue - mean) / std);
    }

    @Override
    public String toString() {
        return "Preprocessor[" + spec + "]";
    }
}
