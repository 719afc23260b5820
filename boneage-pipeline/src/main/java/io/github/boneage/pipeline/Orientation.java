package io.github.boneage.pipeline;

import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.Locale;

/**
 * An exact, lossless re-orientation of a radiograph: a number of clockwise quarter turns followed by an optional
 * left-right mirror, plus an optional grey-scale inversion. These are the transforms a hand radiograph arrives with
 * when it was scanned or exported the wrong way round; each one is undone pixel for pixel (no resampling), so an
 * upright copy of an image gives exactly the upright image back.
 *
 * <p>Points follow the project's coordinate convention (origin at the top-left corner of the top-left pixel, so a
 * point lies in {@code [0, width] x [0, height]}): a clockwise quarter turn of a {@code W x H} image maps
 * {@code (x, y)} to {@code (H - y, x)}, a mirror maps it to {@code (W - x, y)}.
 *
 * @param quarterTurnsClockwise clockwise quarter turns applied first, 0..3
 * @param mirrored              whether the image is then mirrored left to right
 * @param inverted              whether grey values are inverted ({@code max - v}), which moves no pixel
 */
public record Orientation(int quarterTurnsClockwise, boolean mirrored, boolean inverted) {

    /** The identity: the image as it came. */
    public static final Orientation IDENTITY = new Orientation(0, false, false);

    /**
     * @param quarterTurnsClockwise clockwise quarter turns applied first, 0..3
     * @param mirrored whether the image is then mirrored left to right
     * @param inverted whether grey values are inverted ({@code max - v}), which moves no pixel
     * @throws IllegalArgumentException if the quarter turns are outside 0..3
     */
    public Orientation {
        if (quarterTurnsClockwise < 0 || quarterTurnsClockwise > 3) {
            throw new IllegalArgumentException("quarter turns must lie in 0..3, got " + quarterTurnsClockwise);
        }
    }

    /** @return whether this changes nothing */
    public boolean isIdentity() {
        return quarterTurnsClockwise == 0 && !mirrored && !inverted;
    }

    /** @return whether pixels move (a turn or a mirror) */
    public boolean movesPixels() {
        return quarterTurnsClockwise != 0 || mirrored;
    }

    /**
     * @param image the radiograph as it came
     * @return a new image with this orientation applied; the input is not changed
     */
    public GreyImage apply(GreyImage image) {
        GreyImage out = rotate(image, quarterTurnsClockwise);
        if (mirrored) {
            out = mirror(out);
        }
        if (inverted) {
            out = invert(out);
        }
        return out;
    }

    /**
     * @param landmarks points located on the image as it came, of size {@code width x height}
     * @param width     that image's width
     * @param height    that image's height
     * @return the same points on the re-oriented image (fingertips included)
     */
    public HandLandmarks apply(HandLandmarks landmarks, int width, int height) {
        return landmarks.map(p -> apply(p, width, height));
    }

    /**
     * @param p      a point on the image as it came
     * @param width  that image's width
     * @param height that image's height
     * @return the point on the re-oriented image
     */
    public Point apply(Point p, int width, int height) {
        double x = p.x();
        double y = p.y();
        int w = width;
        int h = height;
        for (int t = 0; t < quarterTurnsClockwise; t++) {
            double nx = h - y;
            y = x;
            x = nx;
            int tmp = w;
            w = h;
            h = tmp;
        }
        if (mirrored) {
            x = w - x;
        }
        return new Point(x, y);
    }

    /** @return e.g. {@code "rotated 90° clockwise, mirrored, inverted"}, or {@code "as acquired"} */
    public String describe() {
        if (isIdentity()) {
            return "as acquired";
        }
        StringBuilder sb = new StringBuilder();
        if (quarterTurnsClockwise != 0) {
            sb.append(String.format(Locale.ROOT, "rotated %d° clockwise", 90 * quarterTurnsClockwise));
        }
        if (mirrored) {
            sb.append(sb.length() == 0 ? "" : ", ").append("mirrored left-right");
        }
        if (inverted) {
            sb.append(sb.length() == 0 ? "" : ", ").append("grey scale inverted");
        }
        return sb.toString();
    }

    /**
     * @param image the image
     * @param turns clockwise quarter turns, 0..3
     * @return the image turned
     */
    static GreyImage rotate(GreyImage image, int turns) {
        GreyImage out = image;
        for (int t = 0; t < turns; t++) {
            out = rotateClockwise(out);
        }
        return out;
    }

    /** @return the image turned a quarter clockwise: new {@code (x, y)} = old {@code (y, H - 1 - x)} */
    static GreyImage rotateClockwise(GreyImage image) {
        int w = image.width();
        int h = image.height();
        if (image instanceof GreyImage8 g) {
            byte[] src = g.data();
            byte[] dst = new byte[src.length];
            for (int y = 0; y < w; y++) {
                int row = y * h;
                for (int x = 0; x < h; x++) {
                    dst[row + x] = src[(h - 1 - x) * w + y];
                }
            }
            return new GreyImage8(h, w, dst);
        }
        GreyImage16 g = (GreyImage16) image;
        short[] src = g.data();
        short[] dst = new short[src.length];
        for (int y = 0; y < w; y++) {
            int row = y * h;
            for (int x = 0; x < h; x++) {
                dst[row + x] = src[(h - 1 - x) * w + y];
            }
        }
        return new GreyImage16(h, w, g.bitDepth(), dst);
    }

    /** @return the image mirrored left to right */
    static GreyImage mirror(GreyImage image) {
        int w = image.width();
        int h = image.height();
        if (image instanceof GreyImage8 g) {
            byte[] src = g.data();
            byte[] dst = new byte[src.length];
            for (int y = 0; y < h; y++) {
                int row = y * w;
                for (int x = 0; x < w; x++) {
                    dst[row + x] = src[row + w - 1 - x];
                }
            }
            return new GreyImage8(w, h, dst);
        }
        GreyImage16 g = (GreyImage16) image;
        short[] src = g.data();
        short[] dst = new short[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w;
            for (int x = 0; x < w; x++) {
                dst[row + x] = src[row + w - 1 - x];
            }
        }
        return new GreyImage16(w, h, g.bitDepth(), dst);
    }

    /** @return the image with every sample {@code v} replaced by {@code maxValue - v} */
    static GreyImage invert(GreyImage image) {
        int max = image.maxValue();
        if (image instanceof GreyImage8 g) {
            byte[] src = g.data();
            byte[] dst = new byte[src.length];
            for (int i = 0; i < src.length; i++) {
                dst[i] = (byte) (max - (src[i] & 0xFF));
            }
            return new GreyImage8(g.width(), g.height(), dst);
        }
        GreyImage16 g = (GreyImage16) image;
        short[] src = g.data();
        short[] dst = new short[src.length];
        for (int i = 0; i < src.length; i++) {
            dst[i] = (short) (max - (src[i] & 0xFFFF));
        }
        return new GreyImage16(g.width(), g.height(), g.bitDepth(), dst);
    }
}
