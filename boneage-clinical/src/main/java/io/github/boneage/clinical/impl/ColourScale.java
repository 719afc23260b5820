package io.github.boneage.clinical.impl;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * The heatmaps' colour map (blue, cyan, green, yellow, red for low to high relevance) and the labelled colour bar
 * drawn beside a rendering, so that a reader can tell what the colours mean. Shared by the heatmap PNG and the HTML
 * report's picture; internal to boneage-clinical.
 */
public final class ColourScale {

    private static final int[][] STOPS = {{0, 0, 255}, {0, 255, 255}, {0, 255, 0}, {255, 255, 0}, {255, 0, 0}};
    /** Width of the panel added at the right of a rendering. */
    public static final int PANEL_WIDTH = 96;
    /** Width of the bar itself inside the panel. */
    public static final int BAR_WIDTH = 16;
    /** Background of the panel, {@code 0xRRGGBB}. */
    public static final int PANEL_RGB = 0x202020;
    private static final int MARGIN = 8;
    private static final int LABEL_SPACE = 30;

    private ColourScale() {
    }

    /**
     * @param value a normalized heat value; clamped to [0, 1]
     * @return its colour as {@code 0xRRGGBB}
     */
    public static int colour(double value) {
        double v = Math.max(0, Math.min(1, value)) * (STOPS.length - 1);
        int i = Math.min(STOPS.length - 2, (int) v);
        double f = v - i;
        int rgb = 0;
        for (int ch = 0; ch < 3; ch++) {
            int c = (int) Math.round(STOPS[i][ch] * (1 - f) + STOPS[i + 1][ch] * f);
            rgb = (rgb << 8) | c;
        }
        return rgb;
    }

    /**
     * Where {@link #withBar} draws the bar in a picture of the given size (the picture grows by {@link #PANEL_WIDTH}).
     *
     * @param pictureWidth  the width of the picture without the panel
     * @param pictureHeight its height
     * @return the bar's rectangle in the combined image: its top row is the colour of 1, its bottom row that of 0
     */
    public static Rectangle barArea(int pictureWidth, int pictureHeight) {
        int top = Math.min(LABEL_SPACE, pictureHeight / 4);
        int height = Math.max(2, pictureHeight - 2 * top);
        return new Rectangle(pictureWidth + MARGIN, top, BAR_WIDTH, height);
    }

    /**
     * @param picture   the rendering
     * @param highLabel text at the top of the bar (e.g. {@code high 3.2 mo})
     * @param lowLabel  text at the bottom (e.g. {@code low 0.0 mo})
     * @return a new image: the picture with a dark panel at its right holding the vertical colour bar (exact colours of
     *         {@link #colour(double)}, top = 1, bottom = 0) and the two labels
     */
    public static BufferedImage withBar(BufferedImage picture, String highLabel, String lowLabel) {
        int w = picture.getWidth();
        int h = picture.getHeight();
        BufferedImage out = new BufferedImage(w + PANEL_WIDTH, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(picture, 0, 0, null);
            g.setColor(new Color(PANEL_RGB));
            g.fillRect(w, 0, PANEL_WIDTH, h);
            Rectangle bar = barArea(w, h);
            // Pixel by pixel, not with a gradient paint: the colours must be exactly the map's.
            for (int y = 0; y < bar.height; y++) {
                int rgb = colour(1 - (double) y / (bar.height - 1));
                for (int x = 0; x < bar.width; x++) {
                    out.setRGB(bar.x + x, bar.y + y, rgb);
                }
            }
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            int textX = bar.x + bar.width + 4;
            int maxText = PANEL_WIDTH - (textX - w) - 2;
            drawFitted(g, fm, highLabel, textX, bar.y + fm.getAscent(), maxText);
            drawFitted(g, fm, lowLabel, textX, bar.y + bar.height, maxText);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Draws up to two words per line (e.g. "high" over "3.2 mo"), so labels fit the narrow panel. */
    private static void drawFitted(Graphics2D g, FontMetrics fm, String text, int x, int baseline, int maxWidth) {
        int space = text.indexOf(' ');
        if (fm.stringWidth(text) <= maxWidth || space < 0) {
            g.drawString(text, x, baseline);
            return;
        }
        boolean bottom = baseline > fm.getHeight() * 2;
        int first = bottom ? baseline - fm.getHeight() : baseline;
        g.drawString(text.substring(0, space), x, first);
        g.drawString(text.substring(space + 1), x, first + fm.getHeight());
    }
}
