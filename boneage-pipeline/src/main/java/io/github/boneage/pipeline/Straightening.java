package io.github.boneage.pipeline;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a radiograph by any angle about its centre, onto a canvas just large enough to hold all of it (bicubic
 * resampling; the corners the turned image does not cover take the median grey of its border, which on a radiograph
 * is background). The pipeline straightens hands that lie far from upright with it: the bone-age networks were trained
 * on hands as the archive holds them, turned by at most 10° more, and on selection radiographs turned by 30-40° their
 * estimates moved by several months (docs/safety.md).
 *
 * <p>{@link #straighten} then frames the turned hand as the original image framed it: a window of the original's size
 * (one pixel wider or taller where the canvas's margin is odd), centred on the canvas and grown equally on both sides
 * where needed to keep every located point with a margin, so the hand does not shrink in the frame the whole-image
 * networks read (on the expanded canvas alone it would, by up to a third). Centred and grown symmetrically, the frame of
 * a mirrored image turned the opposite way is the mirror of the original's frame, so a radiograph and its mirror image
 * are straightened alike: the pipeline averages its estimate over the image and its mirror image.
 *
 * <p>Points follow the project's convention (origin at the top-left corner of the top-left pixel). A turn by
 * {@code degreesClockwise} maps a point's offset {@code (dx, dy)} from the image centre to
 * {@code (dx cos - dy sin, dx sin + dy cos)} from the canvas centre: clockwise as seen on screen, the y axis pointing down.
 */
final class Straightening {

    /** Margin kept around the located points when framing, as a share of the original image's longer side. */
    static final double POINT_MARGIN = 0.05;

    private Straightening() {
    }

    /**
     * A straightened image and where it lies on the turned canvas.
     *
     * @param image            the framed, turned image
     * @param degreesClockwise the turn
     * @param frame            the window of the turned canvas it is
     * @param sourceWidth      the width of the image before the turn
     * @param sourceHeight     its height
     */
    record Straightened(GreyImage image, double degreesClockwise, Roi frame, int sourceWidth, int sourceHeight) {

        /**
         * @param landmarks points on the image before the turn
         * @return the same points on the straightened image
         */
        HandLandmarks apply(HandLandmarks landmarks) {
            return Straightening.apply(landmarks, sourceWidth, sourceHeight, degreesClockwise).translated(frame.x(),
                    frame.y());
        }
    }

    /**
     * @param image            the radiograph
     * @param degreesClockwise the turn that brings the hand upright
     * @param points           the hand's located points on the image (kept inside the frame with a margin)
     * @return the image turned, framed to the original's size where the points allow
     */
    static Straightened straighten(GreyImage image, double degreesClockwise, HandLandmarks points) {
        GreyImage turned = rotate(image, degreesClockwise);
        HandLandmarks mapped = apply(points, image.width(), image.height(), degreesClockwise);
        double margin = POINT_MARGIN * Math.max(image.width(), image.height());
        int tw = turned.width();
        int th = turned.height();
        int x0 = (tw - image.width()) / 2;
        int y0 = (th - image.height()) / 2;
        for (Point p : all(mapped)) {
            // The margin a point needs on its side, measured from the edge it lies nearer to, applies to both sides.
            x0 = Math.min(x0, Math.min((int) Math.floor(p.x() - margin), (int) Math.floor(tw - p.x() - margin)));
            y0 = Math.min(y0, Math.min((int) Math.floor(p.y() - margin), (int) Math.floor(th - p.y() - margin)));
        }
        x0 = Math.max(0, x0);
        y0 = Math.max(0, y0);
        Roi frame = new Roi(x0, y0, tw - 2 * x0, th - 2 * y0);
        return new Straightened(turned.crop(frame), degreesClockwise, frame, image.width(), image.height());
    }

    private static Iterable<Point> all(HandLandmarks landmarks) {
        List<Point> out = new ArrayList<>(landmarks.points().values());
        out.addAll(landmarks.fingertips().values());
        return out;
    }

    /** @return the canvas side holding a {@code along x across} image turned by the angle */
    private static int canvas(int along, int across, double cos, double sin) {
        return (int) Math.ceil(Math.abs(along * cos) + Math.abs(across * sin) - 1e-9);
    }

    /**
     * @param image            the radiograph
     * @param degreesClockwise the turn, clockwise as seen on screen
     * @return a new image of the same bit depth, turned; the input is not changed
     */
    static GreyImage rotate(GreyImage image, double degreesClockwise) {
        double a = Math.toRadians(degreesClockwise);
        double cos = Math.cos(a);
        double sin = Math.sin(a);
        int w = image.width();
        int h = image.height();
        int outW = canvas(w, h, cos, sin);
        int outH = canvas(h, w, cos, sin);
        double fill = borderMedian(image);
        double srcCx = w / 2.0;
        double srcCy = h / 2.0;
        double outCx = outW / 2.0;
        double outCy = outH / 2.0;
        int max = image.maxValue();
        int[] samples = new int[outW * outH];
        for (int y = 0; y < outH; y++) {
            double oy = y + 0.5 - outCy;
            for (int x = 0; x < outW; x++) {
                double ox = x + 0.5 - outCx;
                // Inverse turn: the source position (in pixel-centre coordinates) this output pixel's centre comes from.
                double sx = srcCx + ox * cos + oy * sin - 0.5;
                double sy = srcCy - ox * sin + oy * cos - 0.5;
                double v = sx < -0.5 || sy < -0.5 || sx > w - 0.5 || sy > h - 0.5 ? fill : bicubic(image, sx, sy);
                samples[y * outW + x] = (int) Math.max(0, Math.min(max, Math.round(v)));
            }
        }
        if (image instanceof GreyImage8) {
            byte[] data = new byte[samples.length];
            for (int i = 0; i < samples.length; i++) {
                data[i] = (byte) samples[i];
            }
            return new GreyImage8(outW, outH, data);
        }
        short[] data = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            data[i] = (short) samples[i];
        }
        return new GreyImage16(outW, outH, image.bitDepth(), data);
    }

    /**
     * Bicubic sample (Keys' kernel, a = -1/2) at a pixel-centre position within half a pixel of the image (edge pixels
     * repeated). Not bilinear: on the selection radiographs, bilinear resampling for turns of under 3° alone moved the
     * estimates by +1.4 months on average, its blur read as an older hand.
     */
    private static double bicubic(GreyImage image, double x, double y) {
        int w = image.width();
        int h = image.height();
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        double sum = 0;
        for (int j = -1; j <= 2; j++) {
            int yy = Math.max(0, Math.min(h - 1, y0 + j));
            double wy = keys(j - fy);
            double row = 0;
            for (int i = -1; i <= 2; i++) {
                int xx = Math.max(0, Math.min(w - 1, x0 + i));
                row += keys(i - fx) * image.get(xx, yy);
            }
            sum += wy * row;
        }
        return sum;
    }

    /** Keys' cubic convolution kernel with a = -1/2 (exact on quadratics, weights summing to one). */
    private static double keys(double t) {
        double d = Math.abs(t);
        if (d < 1) {
            return (1.5 * d - 2.5) * d * d + 1;
        }
        if (d < 2) {
            return ((-0.5 * d + 2.5) * d - 4) * d + 2;
        }
        return 0;
    }

    /** @return the median grey of the image's outermost pixels */
    static int borderMedian(GreyImage image) {
        int w = image.width();
        int h = image.height();
        int[] border = new int[h > 1 ? 2 * w + 2 * (h - 2) : w];
        int n = 0;
        for (int x = 0; x < w; x++) {
            border[n++] = image.get(x, 0);
            if (h > 1) {
                border[n++] = image.get(x, h - 1);
            }
        }
        for (int y = 1; y < h - 1; y++) {
            border[n++] = image.get(0, y);
            border[n++] = image.get(w - 1, y);
        }
        Arrays.sort(border, 0, n);
        return border[n / 2];
    }

    /**
     * @param p                a point on the image
     * @param width            the image's width
     * @param height           the image's height
     * @param degreesClockwise the turn
     * @return the point on the turned image ({@link #rotate})
     */
    static Point apply(Point p, int width, int height, double degreesClockwise) {
        double a = Math.toRadians(degreesClockwise);
        double cos = Math.cos(a);
        double sin = Math.sin(a);
        double dx = p.x() - width / 2.0;
        double dy = p.y() - height / 2.0;
        return new Point(canvas(width, height, cos, sin) / 2.0 + dx * cos - dy * sin,
                canvas(height, width, cos, sin) / 2.0 + dx * sin + dy * cos);
    }

    /**
     * @param landmarks        points on the image (fingertips included)
     * @param width            the image's width
     * @param height           the image's height
     * @param degreesClockwise the turn
     * @return the same points on the turned image
     */
    static HandLandmarks apply(HandLandmarks landmarks, int width, int height, double degreesClockwise) {
        return landmarks.map(p -> apply(p, width, height, degreesClockwise));
    }
}
