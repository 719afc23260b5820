package io.github.boneage.core;

import java.util.Locale;

/**
 * Which part of a hand radiograph the model sees (Lee, Kim &amp; Kim 2020, section 2.1).
 *
 * <p>All schemes return axis-aligned rectangles clamped to the image. "Wrist side" is derived from the landmarks
 * (the side of the rectangle that the vector from the finger points' centroid to the radius-ulna midpoint points to),
 * so rotated and upside-down hands are handled.
 */
public enum RoiScheme {
    /** The whole image, no landmarks needed. */
    WHOLE,
    /** The smallest axis-aligned rectangle containing the seven reference points: carpals, metacarpals, phalanx bases. */
    ROI1,
    /**
     * ROI1 with the two lateral borders moved out by 30% of its lateral extent and the distal (finger-side) border by
     * 30% of its proximal-distal extent; the wrist side unchanged.
     */
    ROI2,
    /**
     * The whole hand: every phalanx including the fingertips, metacarpals and carpals. Computed here from the
     * fingertips; preprocessing falls back to a hand mask when the landmarks carry no fingertips.
     */
    ROI3;

    /** Fraction by which ROI2 grows ROI1 on the lateral and distal sides (the paper's 30%). */
    public static final double ROI2_GROWTH = 0.30;
    /** Margin beyond the fingertips and lateral extremes in ROI3, as a fraction of hand size (soft tissue of the tufts). */
    public static final double ROI3_MARGIN = 0.05;
    /** Extension of ROI3 past the radius/ulna points towards the forearm, as a fraction of hand size (metaphyses). */
    public static final double ROI3_WRIST_EXTENSION = 0.10;

    /** Side of an axis-aligned rectangle. */
    public enum Side {
        /** The left edge. */
        LEFT,
        /** The right edge. */
        RIGHT,
        /** The top edge. */
        TOP,
        /** The bottom edge. */
        BOTTOM
    }

    /** @return whether this scheme needs landmarks at all */
    public boolean needsLandmarks() {
        return this != WHOLE;
    }

    /** @return the lower-case name used in CLI flags and JSON ({@code whole}, {@code roi1}, ...) */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label {@code whole}, {@code roi1}, {@code roi2} or {@code roi3} (case-insensitive)
     * @return the scheme
     * @throws IllegalArgumentException naming the label if unknown
     */
    public static RoiScheme parse(String label) {
        if (label == null) {
            throw new IllegalArgumentException("ROI scheme is missing (expected whole, roi1, roi2 or roi3)");
        }
        for (RoiScheme s : values()) {
            if (s.label().equalsIgnoreCase(label.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown ROI scheme '" + label + "' (expected whole, roi1, roi2 or roi3)");
    }

    /**
     * The side of the image-aligned box that faces the wrist.
     *
     * @param landmarks the hand's landmarks
     * @return the wrist side
     */
    public static Side wristSide(HandLandmarks landmarks) {
        Point fingers = landmarks.fingerCentre();
        Point wrist = landmarks.wristCentre();
        double dx = wrist.x() - fingers.x();
        double dy = wrist.y() - fingers.y();
        if (Math.abs(dy) >= Math.abs(dx)) {
            return dy >= 0 ? Side.BOTTOM : Side.TOP;
        }
        return dx >= 0 ? Side.RIGHT : Side.LEFT;
    }

    /**
     * Computes this scheme's rectangle.
     *
     * @param imageWidth  image width in pixels
     * @param imageHeight image height in pixels
     * @param landmarks   the hand's landmarks; may be {@code null} only for {@link #WHOLE}
     * @return the rectangle, clamped to the image
     * @throws MissingLandmarksException if this scheme needs landmarks (or, for ROI3, fingertips) that are absent
     */
    public Roi region(int imageWidth, int imageHeight, HandLandmarks landmarks) {
        if (this == WHOLE) {
            return Roi.whole(imageWidth, imageHeight);
        }
        if (landmarks == null) {
            throw new MissingLandmarksException(label() + " needs the 7 reference points, but no landmarks were given");
        }
        double[] box = boundingBox(landmarks, false);
        switch (this) {
            case ROI1:
                break;
            case ROI2:
                grow(box, wristSide(landmarks), ROI2_GROWTH * (box[2] - box[0]), ROI2_GROWTH * (box[3] - box[1]));
                break;
            case ROI3:
                if (!landmarks.hasFingertips()) {
                    throw new MissingLandmarksException("roi3 from landmarks needs the 5 fingertips, but none were given");
                }
                box = boundingBox(landmarks, true);
                double size = landmarks.handSize();
                grow(box, wristSide(landmarks), ROI3_MARGIN * size, ROI3_MARGIN * size);
                extendWrist(box, wristSide(landmarks), ROI3_WRIST_EXTENSION * size);
                break;
            default:
                throw new AssertionError(this);
        }
        return Roi.enclosing(box[0], box[1], box[2], box[3], imageWidth, imageHeight);
    }

    private static double[] boundingBox(HandLandmarks lm, boolean withTips) {
        double[] b = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (Point p : lm.points().values()) {
            include(b, p);
        }
        if (withTips) {
            for (Point p : lm.fingertips().values()) {
                include(b, p);
            }
        }
        return b;
    }

    private static void include(double[] b, Point p) {
        b[0] = Math.min(b[0], p.x());
        b[1] = Math.min(b[1], p.y());
        b[2] = Math.max(b[2], p.x());
        b[3] = Math.max(b[3], p.y());
    }

    /** Moves every side but the wrist side outwards: horizontal sides by {@code gx}, vertical sides by {@code gy}. */
    private static void grow(double[] b, Side wrist, double gx, double gy) {
        if (wrist != Side.LEFT) {
            b[0] -= gx;
        }
        if (wrist != Side.TOP) {
            b[1] -= gy;
        }
        if (wrist != Side.RIGHT) {
            b[2] += gx;
        }
        if (wrist != Side.BOTTOM) {
            b[3] += gy;
        }
    }

    private static void extendWrist(double[] b, Side wrist, double by) {
        switch (wrist) {
            case LEFT -> b[0] -= by;
            case TOP -> b[1] -= by;
            case RIGHT -> b[2] += by;
            case BOTTOM -> b[3] += by;
            default -> throw new AssertionError(wrist);
        }
    }
}
