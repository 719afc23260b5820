package io.github.boneage.preprocess.equalize;

import io.github.boneage.core.Equalizer;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;

/**
 * Contrast-limited adaptive histogram equalization with the semantics of OpenCV's {@code CLAHE} (method
 * {@code clahe}), for 8-bit images and, with {@code 2^bitDepth} histogram bins, for 16-bit ones (OpenCV's
 * {@code CV_16U} CLAHE is the 16-bit case).
 *
 * <p>The image is divided into {@code tilesX x tilesY} tiles. If its size is not a multiple of the grid, the tiles are
 * computed on a copy extended at the right and bottom by {@code tilesX - width % tilesX} columns and
 * {@code tilesY - height % tilesY} rows, mirrored without repeating the edge (OpenCV's {@code BORDER_REFLECT_101});
 * as in OpenCV, both extensions are applied as soon as either dimension is not a multiple, so a dimension that is a
 * multiple then gains a whole tile's worth. With tile area A and H bins, each tile's histogram is clipped at
 * {@code max(1, (int) (clipLimit * A / H))} (no clipping when {@code clipLimit <= 0}); the clipped excess is spread
 * evenly over all bins and the remainder {@code r} adds one to every {@code max(H / r, 1)}-th bin starting at bin 0,
 * until used up. Each tile's mapping is {@code round(cumulative count * ((H - 1) / A))} in single precision. Every
 * pixel then blends the mappings of the four nearest tile centres bilinearly: along x, {@code t = x / tileWidth - 0.5}
 * in single precision, tiles {@code floor(t)} and {@code floor(t) + 1} clamped to the grid with weights
 * {@code 1 - frac(t)} and {@code frac(t)}; likewise along y. The blend is evaluated in single precision in OpenCV's
 * order and rounded half to even, so results equal OpenCV's.
 */
public final class ClaheEqualizer implements Equalizer {

    /** The method name. */
    public static final String NAME = "clahe";
    /** OpenCV's default clip limit. */
    public static final double DEFAULT_CLIP_LIMIT = 40.0;
    /** OpenCV's default number of tiles across and down. */
    public static final int DEFAULT_TILES = 8;
    /** The largest number of tiles accepted along each axis. */
    public static final int MAX_TILES = 1024;

    private final double clipLimit;
    private final int tilesX;
    private final int tilesY;

    /** OpenCV's defaults: clip limit 40, 8 x 8 tiles. */
    public ClaheEqualizer() {
        this(DEFAULT_CLIP_LIMIT, DEFAULT_TILES, DEFAULT_TILES);
    }

    /**
     * @param clipLimit contrast limit relative to a flat histogram (OpenCV's {@code clipLimit}); 0 or less disables
     *                  clipping
     * @param tilesX    tiles across, 1 .. 1024
     * @param tilesY    tiles down, 1 .. 1024
     * @throws IllegalArgumentException for a non-finite clip limit or a grid out of range
     */
    public ClaheEqualizer(double clipLimit, int tilesX, int tilesY) {
        if (!Double.isFinite(clipLimit)) {
            throw new IllegalArgumentException("clahe clip limit must be finite, got " + clipLimit);
        }
        if (tilesX < 1 || tilesY < 1 || tilesX > MAX_TILES || tilesY > MAX_TILES) {
            throw new IllegalArgumentException("clahe tile grid must be 1.." + MAX_TILES + " tiles each way, got " + tilesX + "x" + tilesY);
        }
        this.clipLimit = clipLimit;
        this.tilesX = tilesX;
        this.tilesY = tilesY;
    }

    /** @return the clip limit */
    public double clipLimit() {
        return clipLimit;
    }

    /** @return tiles across */
    public int tilesX() {
        return tilesX;
    }

    /** @return tiles down */
    public int tilesY() {
        return tilesY;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void apply(GreyImage8 src, GreyImage8 dst) {
        ImageChecks.requireSameShape(src, dst);
        Grid grid = new Grid(src.width(), src.height());
        byte[] data = src.data();
        char[] luts = tileLookupTables(grid, 256, (row, x) -> data[row + x] & 0xFF, src.width());
        interpolate8(grid, luts, data, dst.data());
    }

    @Override
    public void apply(GreyImage16 src, GreyImage16 dst) {
        ImageChecks.requireSameShape(src, dst);
        Histograms.requireInRange(src);
        Grid grid = new Grid(src.width(), src.height());
        short[] data = src.data();
        char[] luts = tileLookupTables(grid, 1 << src.bitDepth(), (row, x) -> data[row + x] & 0xFFFF, src.width());
        interpolate16(grid, luts, data, dst.data(), src.maxValue());
    }

    /** Reads the sample at a row offset and column. */
    @FunctionalInterface
    private interface Sampler {
        int at(int rowOffset, int x);
    }

    /** Tile geometry of one image, including the mirrored extension when the size is not a multiple of the grid. */
    private final class Grid {
        final int width;
        final int height;
        final int tileWidth;
        final int tileHeight;
        /** Source column of each column of the (possibly extended) image. */
        final int[] columns;
        /** Source row of each row of the (possibly extended) image. */
        final int[] rows;

        Grid(int width, int height) {
            this.width = width;
            this.height = height;
            boolean divisible = width % tilesX == 0 && height % tilesY == 0;
            int extWidth = divisible ? width : width + tilesX - width % tilesX;
            int extHeight = divisible ? height : height + tilesY - height % tilesY;
            this.tileWidth = extWidth / tilesX;
            this.tileHeight = extHeight / tilesY;
            this.columns = new int[extWidth];
            for (int x = 0; x < extWidth; x++) {
                columns[x] = reflect101(x, width);
            }
            this.rows = new int[extHeight];
            for (int y = 0; y < extHeight; y++) {
                rows[y] = reflect101(y, height);
            }
        }
    }

    /** Mirrors an index past the end without repeating the edge sample (gfedcb|abcdefgh|gfedcba), repeatedly. */
    static int reflect101(int i, int length) {
        if (length == 1) {
            return 0;
        }
        int period = 2 * (length - 1);
        int m = Math.floorMod(i, period);
        return m < length ? m : period - m;
    }

    private char[] tileLookupTables(Grid g, int bins, Sampler sampler, int stride) {
        int tileArea = g.tileWidth * g.tileHeight;
        float lutScale = (float) (bins - 1) / tileArea;
        int clip = 0;
        if (clipLimit > 0.0) {
            clip = Math.max((int) (clipLimit * tileArea / bins), 1);
        }
        char[] luts = new char[tilesX * tilesY * bins];
        int[] hist = new int[bins];
        for (int ty = 0; ty < tilesY; ty++) {
            for (int tx = 0; tx < tilesX; tx++) {
                java.util.Arrays.fill(hist, 0);
                int x0 = tx * g.tileWidth;
                int x1 = x0 + g.tileWidth;
                boolean inside = x1 <= g.width;
                for (int y = ty * g.tileHeight; y < (ty + 1) * g.tileHeight; y++) {
                    int row = g.rows[y] * stride;
                    if (inside) {
                        for (int x = x0; x < x1; x++) {
                            hist[sampler.at(row, x)]++;
                        }
                    } else {
                        for (int x = x0; x < x1; x++) {
                            hist[sampler.at(row, g.columns[x])]++;
                        }
                    }
                }
                if (clip > 0) {
                    clipAndRedistribute(hist, clip);
                }
                int base = (ty * tilesX + tx) * bins;
                int max = bins - 1;
                int sum = 0;
                for (int v = 0; v < bins; v++) {
                    sum += hist[v];
                    int mapped = (int) Math.rint(sum * lutScale);
                    luts[base + v] = (char) Math.min(max, Math.max(0, mapped));
                }
            }
        }
        return luts;
    }

    private static void clipAndRedistribute(int[] hist, int clip) {
        int bins = hist.length;
        int clipped = 0;
        for (int v = 0; v < bins; v++) {
            if (hist[v] > clip) {
                clipped += hist[v] - clip;
                hist[v] = clip;
            }
        }
        int batch = clipped / bins;
        int residual = clipped - batch * bins;
        for (int v = 0; v < bins; v++) {
            hist[v] += batch;
        }
        if (residual != 0) {
            int step = Math.max(bins / residual, 1);
            for (int v = 0; v < bins && residual > 0; v += step, residual--) {
                hist[v]++;
            }
        }
    }

    /** Per-column tile offsets and weights: the x half of the bilinear blend, shared by every row. */
    private static final class ColumnWeights {
        final int[] lut1;
        final int[] lut2;
        final float[] weight1;
        final float[] weight2;

        ColumnWeights(Grid g, int tilesX, int bins) {
            lut1 = new int[g.width];
            lut2 = new int[g.width];
            weight1 = new float[g.width];
            weight2 = new float[g.width];
            float invTileWidth = 1.0f / g.tileWidth;
            for (int x = 0; x < g.width; x++) {
                float t = x * invTileWidth - 0.5f;
                int t1 = (int) Math.floor(t);
                int t2 = t1 + 1;
                weight2[x] = t - t1;
                weight1[x] = 1.0f - weight2[x];
                lut1[x] = Math.max(t1, 0) * bins;
                lut2[x] = Math.min(t2, tilesX - 1) * bins;
            }
        }
    }

    private void interpolate8(Grid g, char[] luts, byte[] src, byte[] dst) {
        ColumnWeights cw = new ColumnWeights(g, tilesX, 256);
        float invTileHeight = 1.0f / g.tileHeight;
        int planeSize = tilesX * 256;
        for (int y = 0; y < g.height; y++) {
            float t = y * invTileHeight - 0.5f;
            int t1 = (int) Math.floor(t);
            float ya = t - t1;
            float ya1 = 1.0f - ya;
            int plane1 = Math.max(t1, 0) * planeSize;
            int plane2 = Math.min(t1 + 1, tilesY - 1) * planeSize;
            int row = y * g.width;
            for (int x = 0; x < g.width; x++) {
                int v = src[row + x] & 0xFF;
                int i1 = cw.lut1[x] + v;
                int i2 = cw.lut2[x] + v;
                float xa1 = cw.weight1[x];
                float xa = cw.weight2[x];
                float res = (luts[plane1 + i1] * xa1 + luts[plane1 + i2] * xa) * ya1
                        + (luts[plane2 + i1] * xa1 + luts[plane2 + i2] * xa) * ya;
                int r = (int) Math.rint(res);
                dst[row + x] = (byte) Math.min(255, Math.max(0, r));
            }
        }
    }

    private void interpolate16(Grid g, char[] luts, short[] src, short[] dst, int maxValue) {
        int bins = maxValue + 1;
        ColumnWeights cw = new ColumnWeights(g, tilesX, bins);
        float invTileHeight = 1.0f / g.tileHeight;
        int planeSize = tilesX * bins;
        for (int y = 0; y < g.height; y++) {
            float t = y * invTileHeight - 0.5f;
            int t1 = (int) Math.floor(t);
            float ya = t - t1;
            float ya1 = 1.0f - ya;
            int plane1 = Math.max(t1, 0) * planeSize;
            int plane2 = Math.min(t1 + 1, tilesY - 1) * planeSize;
            int row = y * g.width;
            for (int x = 0; x < g.width; x++) {
                int v = src[row + x] & 0xFFFF;
                int i1 = cw.lut1[x] + v;
                int i2 = cw.lut2[x] + v;
                float xa1 = cw.weight1[x];
                float xa = cw.weight2[x];
                float res = (luts[plane1 + i1] * xa1 + luts[plane1 + i2] * xa) * ya1
                        + (luts[plane2 + i1] * xa1 + luts[plane2 + i2] * xa) * ya;
                int r = (int) Math.rint(res);
                dst[row + x] = (short) Math.min(maxValue, Math.max(0, r));
            }
        }
    }

    @Override
    public String toString() {
        return NAME + "(clipLimit=" + clipLimit + ", tiles=" + tilesX + "x" + tilesY + ")";
    }
}
