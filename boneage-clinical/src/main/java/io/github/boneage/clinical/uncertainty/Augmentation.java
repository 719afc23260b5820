package io.github.boneage.clinical.uncertainty;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.github.boneage.clinical.impl.BilinearWarp;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.Point;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.image.GreyImage16;
import io.github.boneage.core.image.GreyImage8;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * One test-time augmentation: an optional left-right mirror, then a rotation about the image centre, then a shift.
 * The image is resampled bilinearly (edges repeated) and the request's landmarks, when it has any, are moved with it
 * so that landmark-based ROIs follow the hand.
 *
 * @param rotationDegrees rotation about the image centre; positive turns the picture clockwise as displayed
 * @param shiftXFraction  shift to the right, as a fraction of the image width
 * @param shiftYFraction  shift down, as a fraction of the image height
 * @param flipHorizontal  whether the image is mirrored left-right first
 */
public record Augmentation(@JsonProperty("rotationDegrees") double rotationDegrees,
                           @JsonProperty("shiftXFraction") double shiftXFraction,
                           @JsonProperty("shiftYFraction") double shiftYFraction,
                           @JsonProperty("flipHorizontal") boolean flipHorizontal) {

    /** The unchanged image. */
    public static final Augmentation IDENTITY = new Augmentation(0, 0, 0, false);

    /**
     * @param rotationDegrees rotation about the image centre; positive turns the picture clockwise as displayed
     * @param shiftXFraction shift to the right, as a fraction of the image width
     * @param shiftYFraction shift down, as a fraction of the image height
     * @param flipHorizontal whether the image is mirrored left-right first
     * @throws IllegalArgumentException for a non-finite angle, or a shift outside (-0.5, 0.5) of the image
     */
    public Augmentation {
        if (!Double.isFinite(rotationDegrees) || Math.abs(rotationDegrees) > 180) {
            throw new IllegalArgumentException("augmentation rotation must be within +-180 degrees, got " + rotationDegrees);
        }
        if (!(Math.abs(shiftXFraction) < 0.5) || !(Math.abs(shiftYFraction) < 0.5)) {
            throw new IllegalArgumentException("augmentation shift must be within +-0.5 of the image size, got ("
                    + shiftXFraction + ", " + shiftYFraction + ")");
        }
    }

    /** @return whether this augmentation leaves the image unchanged */
    @JsonIgnore
    public boolean isIdentity() {
        return rotationDegrees == 0 && shiftXFraction == 0 && shiftYFraction == 0 && !flipHorizontal;
    }

    /** @return a short description for logs and reports, e.g. {@code rotate +5.0 deg, shift (+0.040, +0.000)} */
    @JsonIgnore
    public String label() {
        if (isIdentity()) {
            return "identity";
        }
        StringBuilder sb = new StringBuilder();
        if (flipHorizontal) {
            sb.append("mirror, ");
        }
        sb.append(String.format(Locale.ROOT, "rotate %+.1f deg, shift (%+.3f, %+.3f)", rotationDegrees, shiftXFraction,
                shiftYFraction));
        return sb.toString();
    }

    /**
     * @param image the source image (not modified)
     * @return a new image of the same type, bit depth and size; the source itself for {@link #IDENTITY}
     */
    public GreyImage apply(GreyImage image) {
        if (isIdentity()) {
            return image;
        }
        BilinearWarp warp = warpFor(image.width(), image.height());
        if (image instanceof GreyImage8 g8) {
            GreyImage8 out = g8.createSameShape();
            warp.apply(g8.data(), out.data());
            return out;
        }
        GreyImage16 g16 = (GreyImage16) image;
        GreyImage16 out = g16.createSameShape();
        warp.apply(g16.data(), out.data());
        return out;
    }

    /**
     * @param point  a point of an image of the given size
     * @param width  the image width
     * @param height the image height
     * @return where the point lies in the augmented image
     */
    public Point apply(Point point, int width, int height) {
        BilinearWarp warp = warpFor(width, height);
        return new Point(warp.forwardX(point.x(), point.y()), warp.forwardY(point.x(), point.y()));
    }

    /**
     * @param landmarks the landmarks of an image of the given size
     * @param width     the image width
     * @param height    the image height
     * @return the landmarks of the augmented image (the same anatomical points, moved); the fingertips are left out
     *         when the augmentation moves one of them off the image
     */
    public HandLandmarks apply(HandLandmarks landmarks, int width, int height) {
        if (isIdentity()) {
            return landmarks;
        }
        Map<ReferencePoint, Point> points = new EnumMap<>(ReferencePoint.class);
        landmarks.points().forEach((k, p) -> points.put(k, apply(p, width, height)));
        Map<Finger, Point> tips = new EnumMap<>(Finger.class);
        landmarks.fingertips().forEach((k, p) -> tips.put(k, apply(p, width, height)));
        // A shift can push a fingertip at the film's edge off the copy (seen on RSNA radiographs with the default
        // policy's 4% shift when calibrating an ensemble's ROI1 member), and an estimator refuses points outside the image. The tips are all-or-none and
        // only ROI3 reads them (it falls back to the hand mask), so they go; the reference points stay and are checked.
        boolean tipOff = tips.values().stream().anyMatch(p -> p.x() < 0 || p.x() > width || p.y() < 0 || p.y() > height);
        return HandLandmarks.of(points, tipOff ? Map.of() : tips);
    }

    /**
     * @param request a request
     * @return the same request (source name, sex, chronological age) with its image and landmarks augmented
     */
    public EstimationRequest apply(EstimationRequest request) {
        if (isIdentity()) {
            return request;
        }
        GreyImage image = request.image();
        EstimationRequest.Builder b = EstimationRequest.builder()
                .setImage(apply(image))
                .optSourceId(request.sourceId())
                .optSex(request.sex());
        request.landmarks().ifPresent(l -> b.optLandmarks(apply(l, image.width(), image.height())));
        request.chronologicalAgeMonths().ifPresent(b::optChronologicalAgeMonths);
        return b.build();
    }

    private BilinearWarp warpFor(int width, int height) {
        return new BilinearWarp(width, height, rotationDegrees, shiftXFraction * width, shiftYFraction * height,
                flipHorizontal);
    }
}
