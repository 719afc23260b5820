package io.github.boneage.preprocess.geometry;

import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/**
 * Resizes a {@code srcWidth x srcHeight} grid of samples to {@code dstWidth x dstHeight}, each axis on its own:
 * bilinear when the axis grows (OpenCV {@code INTER_LINEAR} pixel centres: destination centre {@code d + 0.5} sits at
 * source coordinate {@code (d + 0.5) * src/dst - 0.5}, edge pixels replicated), area averaging when it shrinks
 * (OpenCV {@code INTER_AREA}: destination pixel d averages source interval {@code [d * src/dst, (d + 1) * src/dst)}
 * weighted by overlap), a copy when it keeps its length. A downscale on both axes therefore equals OpenCV's
 * {@code INTER_AREA} and an upscale on both axes its {@code INTER_LINEAR}, up to rounding (OpenCV uses fixed point for
 * 8-bit bilinear); an axis that grows while the other shrinks is still bilinear on that axis, where OpenCV's
 * {@code INTER_AREA} would switch to its own upscaling weights.
 *
 * <p>The sum runs in single precision in a fixed order, so results are reproducible: first down the columns (each
 * destination row accumulates its weighted source rows into a workspace row, two rows per pass:
 * {@code acc = w0 v0 + w1 v1}, then {@code acc += w2 v2 + w3 v3}, ...), then along the row; the result is rounded half
 * up and clamped to the sample range. Every sample
 * is read through a value table, so a grey-level mapping (an equalizer's lookup table) is applied on the fly without
 * writing an intermediate image; with the identity table this is a plain resize. Instances hold only the precomputed
 * weights: immutable and thread-safe; the workspace is the caller's, one per thread.
 */
public final class Resampler {

    private final AxisKernel columns;
    private final AxisKernel rows;

    private Resampler(AxisKernel columns, AxisKernel rows) {
        this.columns = columns;
        this.rows = rows;
    }

    /**
     * @param srcWidth width of the images this will resize, in pixels
     * @param srcHeight height of the images this will resize, in pixels
     * @param dstWidth width of the output, in pixels
     * @param dstHeight height of the output, in pixels
     * @return the weights for this size pair
     * @throws IllegalArgumentException if a size is not positive
     */
    public static Resampler create(int srcWidth, int srcHeight, int dstWidth, int dstHeight) {
        return new Resampler(AxisKernel.create(srcWidth, dstWidth), AxisKernel.create(srcHeight, dstHeight));
    }

    /** @return the source width */
    public int srcWidth() {
        return columns.srcLength;
    }

    /** @return the source height */
    public int srcHeight() {
        return rows.srcLength;
    }

    /** @return the destination width */
    public int dstWidth() {
        return columns.dstLength;
    }

    /** @return the destination height */
    public int dstHeight() {
        return rows.dstLength;
    }

    /** @return a workspace for this resampler: one row of source width */
    public float[] createWorkspace() {
        return new float[srcWidth()];
    }

    /**
     * @param bitDepth 1..16
     * @return the table that reads every sample as its own value
     */
    public static float[] identityTable(int bitDepth) {
        if (bitDepth < 1 || bitDepth > 16) {
            throw new IllegalArgumentException("bit depth must be 1..16, got " + bitDepth);
        }
        float[] table = new float[1 << bitDepth];
        for (int v = 0; v < table.length; v++) {
            table[v] = v;
        }
        return table;
    }

    /**
     * @param lookupTable a grey-level mapping, output level per input level
     * @return the grey-level mapping as a value table
     */
    public static float[] valueTable(int[] lookupTable) {
        float[] table = new float[lookupTable.length];
        for (int v = 0; v < table.length; v++) {
            table[v] = lookupTable[v];
        }
        return table;
    }

    /**
     * Resizes a rectangle of an 8-bit row-major array.
     *
     * @param src        source samples
     * @param srcOffset  index of the rectangle's top-left sample
     * @param srcStride  samples per source row
     * @param valueTable 256 entries: the value each sample stands for (see {@link #identityTable(int)})
     * @param dst        {@code dstWidth * dstHeight} samples, written row-major
     * @param workspace  at least {@code srcWidth} floats (see {@link #createWorkspace()})
     */
    public void resample(byte[] src, int srcOffset, int srcStride, float[] valueTable, byte[] dst, float[] workspace) {
        checkArguments(src.length, srcOffset, srcStride, valueTable.length, 256, dst.length, workspace);
        int srcWidth = columns.srcLength;
        int dstWidth = columns.dstLength;
        float[] acc = workspace;
        for (int dy = 0; dy < rows.dstLength; dy++) {
            accumulateRows(src, srcOffset + rows.first[dy] * srcStride, srcStride, rows.offset[dy], rows.count[dy], valueTable,
                    acc, srcWidth);
            int out = dy * dstWidth;
            for (int dx = 0; dx < dstWidth; dx++) {
                dst[out + dx] = (byte) round(horizontal(acc, dx), 255);
            }
        }
    }

    /**
     * Resizes a rectangle of a 16-bit row-major array.
     *
     * @param src        source samples (unsigned, none above {@code maxValue})
     * @param srcOffset  index of the rectangle's top-left sample
     * @param srcStride  samples per source row
     * @param valueTable {@code maxValue + 1} entries: the value each sample stands for
     * @param maxValue   the largest output value ({@code 2^bitDepth - 1})
     * @param dst        {@code dstWidth * dstHeight} samples, written row-major
     * @param workspace  at least {@code srcWidth} floats
     */
    public void resample(short[] src, int srcOffset, int srcStride, float[] valueTable, int maxValue, short[] dst, float[] workspace) {
        checkArguments(src.length, srcOffset, srcStride, valueTable.length, maxValue + 1, dst.length, workspace);
        int srcWidth = columns.srcLength;
        int dstWidth = columns.dstLength;
        float[] acc = workspace;
        for (int dy = 0; dy < rows.dstLength; dy++) {
            accumulateRows(src, srcOffset + rows.first[dy] * srcStride, srcStride, rows.offset[dy], rows.count[dy], valueTable,
                    acc, srcWidth);
            int out = dy * dstWidth;
            for (int dx = 0; dx < dstWidth; dx++) {
                dst[out + dx] = (short) round(horizontal(acc, dx), maxValue);
            }
        }
    }

    /**
     * Sets {@code acc[x]} to the weighted sum of {@code count} consecutive source rows read through the value table.
     * Rows are taken two at a time, {@code acc + (w0 v0 + w1 v1)}, halving the passes over the accumulator.
     */
    private void accumulateRows(byte[] src, int base, int stride, int k, int count, float[] table, float[] acc, int width) {
        float[] w = rows.weights;
        int t;
        if (count == 1) {
            float w0 = w[k];
            for (int x = 0; x < width; x++) {
                acc[x] = w0 * table[src[base + x] & 0xFF];
            }
            return;
        }
        float w0 = w[k];
        float w1 = w[k + 1];
        int b1 = base + stride;
        for (int x = 0; x < width; x++) {
            acc[x] = w0 * table[src[base + x] & 0xFF] + w1 * table[src[b1 + x] & 0xFF];
        }
        for (t = 2; t + 1 < count; t += 2) {
            int a0 = base + t * stride;
            int a1 = a0 + stride;
            float v0 = w[k + t];
            float v1 = w[k + t + 1];
            for (int x = 0; x < width; x++) {
                acc[x] += v0 * table[src[a0 + x] & 0xFF] + v1 * table[src[a1 + x] & 0xFF];
            }
        }
        if (t < count) {
            int a0 = base + t * stride;
            float v0 = w[k + t];
            for (int x = 0; x < width; x++) {
                acc[x] += v0 * table[src[a0 + x] & 0xFF];
            }
        }
    }

    /** 16-bit twin of {@link #accumulateRows(byte[], int, int, int, int, float[], float[], int)}. */
    private void accumulateRows(short[] src, int base, int stride, int k, int count, float[] table, float[] acc, int width) {
        float[] w = rows.weights;
        int t;
        if (count == 1) {
            float w0 = w[k];
            for (int x = 0; x < width; x++) {
                acc[x] = w0 * table[src[base + x] & 0xFFFF];
            }
            return;
        }
        float w0 = w[k];
        float w1 = w[k + 1];
        int b1 = base + stride;
        for (int x = 0; x < width; x++) {
            acc[x] = w0 * table[src[base + x] & 0xFFFF] + w1 * table[src[b1 + x] & 0xFFFF];
        }
        for (t = 2; t + 1 < count; t += 2) {
            int a0 = base + t * stride;
            int a1 = a0 + stride;
            float v0 = w[k + t];
            float v1 = w[k + t + 1];
            for (int x = 0; x < width; x++) {
                acc[x] += v0 * table[src[a0 + x] & 0xFFFF] + v1 * table[src[a1 + x] & 0xFFFF];
            }
        }
        if (t < count) {
            int a0 = base + t * stride;
            float v0 = w[k + t];
            for (int x = 0; x < width; x++) {
                acc[x] += v0 * table[src[a0 + x] & 0xFFFF];
            }
        }
    }

    private float horizontal(float[] acc, int dx) {
        int k = columns.offset[dx];
        int x = columns.first[dx];
        int n = columns.count[dx];
        float sum = 0f;
        for (int t = 0; t < n; t++) {
            sum += columns.weights[k + t] * acc[x + t];
        }
        return sum;
    }

    private static int round(float value, int max) {
        int r = (int) (value + 0.5f);
        return r < 0 ? 0 : Math.min(r, max);
    }

    private void checkArguments(int srcLength, int srcOffset, int srcStride, int tableLength, int neededTable, int dstLength,
            float[] workspace) {
        if (srcStride < columns.srcLength) {
            throw new IllegalArgumentException("source stride " + srcStride + " is less than the source width " + columns.srcLength);
        }
        long last = (long) srcOffset + (long) (rows.srcLength - 1) * srcStride + columns.srcLength;
        if (srcOffset < 0 || last > srcLength) {
            throw new IllegalArgumentException("a " + columns.srcLength + "x" + rows.srcLength + " source at offset " + srcOffset
                    + " with stride " + srcStride + " does not fit an array of " + srcLength);
        }
        if (tableLength < neededTable) {
            throw new IllegalArgumentException("value table has " + tableLength + " entries, needs " + neededTable);
        }
        if (dstLength != columns.dstLength * rows.dstLength) {
            throw new IllegalArgumentException("destination has " + dstLength + " samples, needs " + columns.dstLength + "x" + rows.dstLength);
        }
        if (workspace.length < columns.srcLength) {
            throw new IllegalArgumentException("workspace has " + workspace.length + " floats, needs " + columns.srcLength);
        }
    }

    /**
     * Resizes a rectangle of an image into a new image of the same type and bit depth.
     *
     * @param image     the source image
     * @param region    the rectangle to resize; must be {@code srcWidth x srcHeight} and inside the image
     * @param workspace at least {@code srcWidth} floats
     * @return the resized image
     * @throws IllegalArgumentException if the region does not match or a 16-bit sample exceeds the bit depth
     */
    public GreyImage resample(GreyImage image, Roi region, float[] workspace) {
        if (region.width() != srcWidth() || region.height() != srcHeight() || !region.fitsIn(image.width(), image.height())) {
            throw new IllegalArgumentException("region " + region + " of the " + image.width() + "x" + image.height()
                    + " image does not match this " + srcWidth() + "x" + srcHeight() + " resampler");
        }
        int offset = region.y() * image.width() + region.x();
        if (image instanceof GreyImage8 g8) {
            GreyImage8 out = new GreyImage8(dstWidth(), dstHeight());
            resample(g8.data(), offset, g8.width(), identityTable(8), out.data(), workspace);
            return out;
        }
        GreyImage16 g16 = (GreyImage16) image;
        io.github.boneage.preprocess.equalize.Histograms.requireInRange(g16);
        GreyImage16 out = new GreyImage16(dstWidth(), dstHeight(), g16.bitDepth());
        resample(g16.data(), offset, g16.width(), identityTable(g16.bitDepth()), g16.maxValue(), out.data(), workspace);
        return out;
    }

    /**
     * Resizes a whole image (allocating the weights and workspace; for repeated calls keep a {@link Resampler}).
     *
     * @param image the image to resize
     * @param width the new width in pixels
     * @param height the new height in pixels
     * @return a new image of the same type and bit depth
     */
    public static GreyImage resize(GreyImage image, int width, int height) {
        Resampler r = create(image.width(), image.height(), width, height);
        return r.resample(image, Roi.whole(image.width(), image.height()), r.createWorkspace());
    }
}
