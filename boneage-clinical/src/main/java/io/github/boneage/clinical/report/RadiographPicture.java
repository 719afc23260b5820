package io.github.boneage.clinical.report;

import io.github.boneage.clinical.impl.ColourScale;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The radiograph as the HTML report shows it: its longest side scaled into [{@value #MIN_SIDE}, {@value #MAX_SIDE}] px,
 * the model's ROI outlined, the landmarks dotted and, when given, the heatmap blended over its ROI (blue for low
 * through red for high, more opaque where higher; the colour map of the heatmap PNG) with the labelled colour bar in a
 * panel at the right.
 */
final class RadiographPicture {

    /** Longest side of the picture in the report. */
    static final int MAX_SIDE = 720;
    /** Small images are enlarged to this longest side so they can be seen. */
    static final int MIN_SIDE = 320;
    /** Opacity of the hottest cell; colder cells fade out, so unimportant areas leave the radiograph visible. */
    private static final double HEAT_MAX_ALPHA = 0.6;

    private RadiographPicture() {
    }

    static byte[] png(GreyImage image, Roi roi, HandLandmarks landmarks, Heatmap heatmap) {
        int longest = Math.max(image.width(), image.height());
        double scale = longest > MAX_SIDE ? (double) MAX_SIDE / longest : longest < MIN_SIDE ? (double) MIN_SIDE / longest : 1.0;
        int w = Math.max(1, (int) Math.round(image.width() * scale));
        int h = Math.max(1, (int) Math.round(image.height() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.drawImage(grey(image), 0, 0, w, h, null);
            if (heatmap != null) {
                Roi r = heatmap.roi();
                g.drawImage(heat(heatmap), sx(r.x(), scale), sx(r.y(), scale), sx(r.width(), scale), sx(r.height(), scale), null);
            }
            g.setColor(new Color(255, 200, 0));
            g.setStroke(new BasicStroke(2f));
            g.drawRect(sx(roi.x(), scale), sx(roi.y(), scale), sx(roi.width(), scale) - 1, sx(roi.height(), scale) - 1);
            if (landmarks != null) {
                g.setColor(new Color(0, 220, 255));
                for (ReferencePoint rp : ReferencePoint.values()) {
                    Point p = landmarks.point(rp);
                    int x = (int) Math.round(p.x() * scale);
                    int y = (int) Math.round(p.y() * scale);
                    g.fillOval(x - 3, y - 3, 7, 7);
                }
            }
        } finally {
            g.dispose();
        }
        if (heatmap != null) {
            float[] range = range(heatmap);
            out = ColourScale.withBar(out, String.format(Locale.ROOT, "high %.2f", range[1]),
                    String.format(Locale.ROOT, "low %.2f", range[0]));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(out, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the report picture", e);
        }
        return bytes.toByteArray();
    }

    private static int sx(int v, double scale) {
        return (int) Math.round(v * scale);
    }

    /** Grey levels stretched from the image's full bit depth to 8 bits, so 12- and 16-bit radiographs show. */
    private static BufferedImage grey(GreyImage image) {
        BufferedImage b = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((java.awt.image.DataBufferByte) b.getRaster().getDataBuffer()).getData();
        double max = image.maxValue();
        int i = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                dst[i++] = (byte) Math.round(image.get(x, y) * 255.0 / max);
            }
        }
        return b;
    }

    /** @return {@code {min, max}} of the heatmap's values: what the bottom and the top of the colour bar stand for */
    static float[] range(Heatmap h) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : h.values()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new float[] {min, max};
    }

    private static BufferedImage heat(Heatmap h) {
        float[] mm = range(h);
        float min = mm[0];
        float max = mm[1];
        float range = max > min ? max - min : 1f;
        BufferedImage b = new BufferedImage(h.width(), h.height(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < h.height(); y++) {
            for (int x = 0; x < h.width(); x++) {
                float t = (h.values()[y * h.width() + x] - min) / range;
                int alpha = (int) Math.round(255 * HEAT_MAX_ALPHA * t);
                b.setRGB(x, y, alpha << 24 | ColourScale.colour(t));
            }
        }
        return b;
    }
}
