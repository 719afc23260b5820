package io.github.boneage.cli;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.landmarks.HandMask;
import io.github.boneage.core.landmarks.LandmarkDetection;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Draws a detection on its radiograph: the hand mask (a translucent tint with its bounding box, where the detector has
 * a mask head), ROI1 box, reference points, fingertips and the verdict.
 */
final class LandmarkOverlay {

    private static final Color[] FINGER_COLOURS = {Color.RED, Color.ORANGE, Color.YELLOW, Color.GREEN, Color.CYAN};

    private LandmarkOverlay() {
    }

    /**
     * @param rgb  an overlay from {@link #render}
     * @param file where to write it as PNG
     */
    static void write(BufferedImage rgb, Path file) {
        try {
            ImageIO.write(rgb, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write overlay " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param image     the radiograph
     * @param detection what the detector found on it
     * @return the radiograph in colour with the detection drawn on it
     */
    static BufferedImage render(GreyImage image, LandmarkDetection detection) {
        BufferedImage rgb = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        int shift = Math.max(0, image.bitDepth() - 8);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int v = Math.min(255, image.get(x, y) >> shift);
                rgb.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        Graphics2D g = rgb.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        float unit = Math.max(1, Math.max(image.width(), image.height()) / 300f);
        g.setStroke(new BasicStroke(unit));
        detection.handMask().ifPresent(m -> draw(g, m));
        detection.landmarks().ifPresent(lm -> draw(g, lm, image, unit));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, Math.round(10 * unit)));
        g.setColor(detection.ok() ? Color.GREEN : Color.RED);
        g.drawString(detection.verdict() + (detection.invertedCorrected() ? " (inverted)" : ""), 4 * unit, 12 * unit);
        g.dispose();
        return rgb;
    }

    private static void draw(Graphics2D g, HandMask mask) {
        g.setColor(new Color(0, 200, 255, 60));
        for (int j = 0; j < mask.gridHeight(); j++) {
            int y0 = j * mask.imageHeight() / mask.gridHeight();
            int y1 = (j + 1) * mask.imageHeight() / mask.gridHeight();
            for (int i = 0; i < mask.gridWidth(); i++) {
                if (mask.cell(i, j) >= HandMask.HAND_PROBABILITY) {
                    int x0 = i * mask.imageWidth() / mask.gridWidth();
                    int x1 = (i + 1) * mask.imageWidth() / mask.gridWidth();
                    g.fillRect(x0, y0, x1 - x0, y1 - y0);
                }
            }
        }
        mask.bounds().ifPresent(b -> {
            g.setColor(new Color(0, 200, 255));
            g.drawRect(b.x(), b.y(), b.width() - 1, b.height() - 1);
        });
    }

    private static void draw(Graphics2D g, HandLandmarks lm, GreyImage image, float unit) {
        Roi roi1 = RoiScheme.ROI1.region(image.width(), image.height(), lm);
        g.setColor(Color.MAGENTA);
        g.drawRect(roi1.x(), roi1.y(), roi1.width(), roi1.height());
        int r = Math.round(4 * unit);
        for (ReferencePoint rp : ReferencePoint.values()) {
            Point p = lm.point(rp);
            g.setColor(rp.isFinger() ? FINGER_COLOURS[rp.ordinal()] : Color.BLUE);
            int x = (int) Math.round(p.x());
            int y = (int) Math.round(p.y());
            g.drawLine(x - r, y, x + r, y);
            g.drawLine(x, y - r, x, y + r);
        }
        for (Finger f : Finger.values()) {
            lm.fingertip(f).ifPresent(p -> {
                g.setColor(FINGER_COLOURS[f.ordinal()]);
                g.drawOval((int) Math.round(p.x()) - r, (int) Math.round(p.y()) - r, 2 * r, 2 * r);
            });
        }
    }
}
