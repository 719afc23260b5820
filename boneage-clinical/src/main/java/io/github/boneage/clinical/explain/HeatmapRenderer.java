package io.github.boneage.clinical.explain;

import io.github.boneage.clinical.impl.ColourScale;
import io.github.boneage.clinical.impl.SafeFiles;
import io.github.boneage.clinical.report.ReportWriteException;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws an {@link OcclusionHeatmap} over its radiograph: the image in grey (stretched to its own minimum and maximum,
 * so 12-bit and 8-bit images look alike), the heatmap blended in with a blue-cyan-green-yellow-red colour map whose
 * opacity grows with the value (cold cells leave the radiograph visible), and the ROI outlined. Large images are
 * scaled down to {@link Builder#optMaxSide(int)}. A dark panel at the right holds the colour bar: red at the top,
 * labelled {@code high} with the largest change in months, blue at the bottom, labelled {@code low 0.0 mo}
 * ({@link Builder#optColourBar(boolean)}).
 */
public final class HeatmapRenderer {

    private static final int OUTLINE_RGB = 0xFFD700;
    /** How much wider than the radiograph the colour bar's panel makes a rendering, in pixels. */
    public static final int COLOUR_BAR_WIDTH = ColourScale.PANEL_WIDTH;

    private final double maxOpacity;
    private final int maxSide;
    private final boolean colourBar;

    private HeatmapRenderer(Builder b) {
        this.maxOpacity = b.maxOpacity;
        this.maxSide = b.maxSide;
        this.colourBar = b.colourBar;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param value a normalized heat value; clamped to [0, 1]
     * @return its colour as {@code 0xRRGGBB}
     */
    public static int colour(double value) {
        return ColourScale.colour(value);
    }

    /**
     * @param image   the radiograph the heatmap was computed on
     * @param heatmap its heatmap
     * @return the rendering, RGB; with the colour bar (the default) {@link #COLOUR_BAR_WIDTH} pixels wider than the
     *         (possibly scaled) radiograph
     * @throws IllegalArgumentException if the heatmap's ROI does not fit the image
     */
    public BufferedImage render(GreyImage image, OcclusionHeatmap heatmap) {
        int w = image.width();
        int h = image.height();
        Roi roi = heatmap.roi();
        if (!roi.fitsIn(w, h)) {
            throw new IllegalArgumentException("heatmap ROI " + roi + " does not fit the " + w + "x" + h + " image");
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = image.get(x, y);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        double range = Math.max(1, max - min);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int g = (int) Math.round((image.get(x, y) - min) * 255 / range);
                int rgb = (g << 16) | (g << 8) | g;
                if (x >= roi.x() && x < roi.maxX() && y >= roi.y() && y < roi.maxY()) {
                    double heat = heatAt(heatmap, x + 0.5, y + 0.5);
                    rgb = blend(rgb, colour(heat), maxOpacity * heat);
                }
                out.setRGB(x, y, rgb);
            }
        }
        int thickness = Math.max(1, Math.min(w, h) / 200);
        outline(out, roi, thickness);
        BufferedImage picture = scaled(out);
        if (!colourBar) {
            return picture;
        }
        return ColourScale.withBar(picture, String.format(Locale.ROOT, "high %.1f mo", heatmap.maxChangeMonths()),
                "low 0.0 mo");
    }

    /**
     * Renders and writes a PNG, safely: into the file's folder only, never through a symbolic link, atomically (see
     * {@link SafeFiles}).
     *
     * @param image   the radiograph
     * @param heatmap its heatmap
     * @param file    the PNG to write (replaced when it is a regular file); its folder is created when missing
     * @throws ReportWriteException naming the file when its name is unsafe, it is a symbolic link or not a regular
     *                              file, or it cannot be written
     */
    public void writePng(GreyImage image, OcclusionHeatmap heatmap, Path file) {
        BufferedImage rendered = render(image, heatmap);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(rendered, "png", png)) {
                throw new IllegalStateException("no PNG writer available in ImageIO");
            }
        } catch (IOException e) {
            throw new ReportWriteException(file, "cannot encode the PNG: " + e, e);
        }
        Path absolute = file.toAbsolutePath();
        Path name = absolute.getFileName();
        if (name == null) {
            throw new ReportWriteException(file, "is not a file path");
        }
        SafeFiles.write(absolute.getParent(), name.toString(), png.toByteArray());
    }

    /** Bilinear interpolation between cell centres, so the overlay has no blocky edges. */
    private static double heatAt(OcclusionHeatmap m, double x, double y) {
        double s = m.cellSize();
        double cx = (x - m.roi().x()) / s - 0.5;
        double cy = (y - m.roi().y()) / s - 0.5;
        int c0 = clamp((int) Math.floor(cx), m.columns());
        int r0 = clamp((int) Math.floor(cy), m.rows());
        int c1 = clamp((int) Math.floor(cx) + 1, m.columns());
        int r1 = clamp((int) Math.floor(cy) + 1, m.rows());
        double fx = Math.max(0, Math.min(1, cx - Math.floor(cx)));
        double fy = Math.max(0, Math.min(1, cy - Math.floor(cy)));
        if (cx < 0) {
            fx = 0;
        }
        if (cy < 0) {
            fy = 0;
        }
        double top = m.normalized(c0, r0) * (1 - fx) + m.normalized(c1, r0) * fx;
        double bottom = m.normalized(c0, r1) * (1 - fx) + m.normalized(c1, r1) * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static int clamp(int i, int size) {
        return i < 0 ? 0 : i >= size ? size - 1 : i;
    }

    private static int blend(int under, int over, double alpha) {
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int a = (under >> shift) & 0xFF;
            int b = (over >> shift) & 0xFF;
            rgb |= ((int) Math.round(a * (1 - alpha) + b * alpha)) << shift;
        }
        return rgb;
    }

    private static void outline(BufferedImage img, Roi roi, int thickness) {
        for (int t = 0; t < thickness; t++) {
            int x0 = Math.min(roi.maxX() - 1, roi.x() + t);
            int x1 = Math.max(roi.x(), roi.maxX() - 1 - t);
            int y0 = Math.min(roi.maxY() - 1, roi.y() + t);
            int y1 = Math.max(roi.y(), roi.maxY() - 1 - t);
            for (int x = roi.x(); x < roi.maxX(); x++) {
                img.setRGB(x, y0, OUTLINE_RGB);
                img.setRGB(x, y1, OUTLINE_RGB);
            }
            for (int y = roi.y(); y < roi.maxY(); y++) {
                img.setRGB(x0, y, OUTLINE_RGB);
                img.setRGB(x1, y, OUTLINE_RGB);
            }
        }
    }

    private BufferedImage scaled(BufferedImage img) {
        int longer = Math.max(img.getWidth(), img.getHeight());
        if (longer <= maxSide) {
            return img;
        }
        double f = (double) maxSide / longer;
        int w = Math.max(1, (int) Math.round(img.getWidth() * f));
        int h = Math.max(1, (int) Math.round(img.getHeight() * f));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Builder: every setting optional. */
    public static final class Builder {
        private double maxOpacity = 0.6;
        private int maxSide = 1024;
        private boolean colourBar = true;

        private Builder() {
        }

        /**
         * @param opacity the overlay's opacity at the hottest cell, in (0, 1]
         * @return this builder, with the overlay's opacity at the hottest cell, in (0, 1] (default 0.6)
         */
        public Builder optMaxOpacity(double opacity) {
            if (!(opacity > 0 && opacity <= 1)) {
                throw new IllegalArgumentException("overlay opacity must be in (0, 1], got " + opacity);
            }
            this.maxOpacity = opacity;
            return this;
        }

        /**
         * @param pixels the longest side of the output, in pixels
         * @return this builder, with the longest side of the output in pixels (default 1024; larger images shrink)
         */
        public Builder optMaxSide(int pixels) {
            if (pixels < 16) {
                throw new IllegalArgumentException("output size must be >= 16 pixels, got " + pixels);
            }
            this.maxSide = pixels;
            return this;
        }

        /**
         * @param draw whether to add the labelled colour bar at the right (default {@code true})
         * @return this builder
         */
        public Builder optColourBar(boolean draw) {
            this.colourBar = draw;
            return this;
        }

        /** @return the renderer */
        public HeatmapRenderer build() {
            return new HeatmapRenderer(this);
        }
    }

    @Override
    public String toString() {
        return "HeatmapRenderer[maxOpacity=" + maxOpacity + ", maxSide=" + maxSide + ", colourBar=" + colourBar + "]";
    }

    /** @return the ROI outline colour, {@code 0xRRGGBB} */
    static int outlineRgb() {
        return OUTLINE_RGB;
    }
}
